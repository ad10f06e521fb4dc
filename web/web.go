// Package web is the HTTP plumbing every handler package shares: the Fiber app
// and its settings, the single mapping from domain errors to statuses, client
// IPs behind trusted proxies, and origin allowlists. It knows no routes.
package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Config holds the Fiber settings the deployment controls.
type Config struct {
	// TrustedProxies are the peers whose X-Forwarded-For is believed. Default none.
	TrustedProxies []netip.Prefix
	// ReadBufferSize bounds request line plus headers. Default 16 KiB: real
	// sites' cookie headers routinely exceed fasthttp's 4 KiB default.
	ReadBufferSize int
	// BodyLimit is the largest request body accepted. Default 64 KiB.
	BodyLimit int
	// ReadTimeout, WriteTimeout and IdleTimeout bound slow clients. Defaults
	// 10 s, 10 s and 60 s.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConns bounds open client connections; more are refused at accept,
	// so a flood of idle connections cannot exhaust memory or descriptors.
	// Default 10,000.
	MaxConns int
	// Logger receives internal errors. Default slog.Default().
	Logger *slog.Logger
}

// Errors counts errors per code, for /metrics and tests.
type Errors struct {
	counts [len(codes)]atomic.Uint64
}

// EENCODED is the code of a request refused for its Content-Encoding (415,
// see RefuseEncodedBodies).
const EENCODED = consentproxy.EENCODED

var codes = [...]string{
	consentproxy.EINVALID, consentproxy.ETOOLARGE, consentproxy.EHEADERS, consentproxy.ENOTFOUND,
	consentproxy.EMETHOD, consentproxy.EFORBIDDEN, consentproxy.EUNAUTH, consentproxy.ERATELIMIT,
	consentproxy.EUNAVAIL, consentproxy.EINTERNAL, EENCODED,
}

var statuses = map[string]int{
	consentproxy.EINVALID:   fiber.StatusBadRequest,
	consentproxy.ETOOLARGE:  fiber.StatusRequestEntityTooLarge,
	consentproxy.EHEADERS:   fiber.StatusRequestHeaderFieldsTooLarge,
	consentproxy.ENOTFOUND:  fiber.StatusNotFound,
	consentproxy.EMETHOD:    fiber.StatusMethodNotAllowed,
	consentproxy.EFORBIDDEN: fiber.StatusForbidden,
	consentproxy.EUNAUTH:    fiber.StatusUnauthorized,
	consentproxy.ERATELIMIT: fiber.StatusTooManyRequests,
	consentproxy.EUNAVAIL:   fiber.StatusServiceUnavailable,
	consentproxy.EINTERNAL:  fiber.StatusInternalServerError,
	EENCODED:                fiber.StatusUnsupportedMediaType,
}

// Status maps a domain error code to its HTTP status: the one place that does.
func Status(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return fiber.StatusInternalServerError
}

func (e *Errors) add(code string) {
	for i, c := range codes {
		if c == code {
			e.counts[i].Add(1)
			return
		}
	}
}

// Count returns how many errors with code were answered.
func (e *Errors) Count(code string) uint64 {
	for i, c := range codes {
		if c == code {
			return e.counts[i].Load()
		}
	}
	return 0
}

// Snapshot returns every code's count.
func (e *Errors) Snapshot() map[string]uint64 {
	m := make(map[string]uint64, len(codes))
	for i, c := range codes {
		m[c] = e.counts[i].Load()
	}
	return m
}

// NewApp builds the Fiber app with the deployment's settings and the error
// handler. The returned Errors counts every error answered.
func NewApp(cfg Config) (*fiber.App, *Errors) {
	if cfg.ReadBufferSize <= 0 {
		cfg.ReadBufferSize = 16 << 10
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 64 << 10
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 10 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 60 * time.Second
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 10_000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	errs := &Errors{}
	trusted := make([]string, len(cfg.TrustedProxies))
	for i, p := range cfg.TrustedProxies {
		trusted[i] = p.String()
	}
	app := fiber.New(fiber.Config{
		AppName:               "consentproxy",
		DisableStartupMessage: true,
		ReadBufferSize:        cfg.ReadBufferSize,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           cfg.IdleTimeout,
		Concurrency:           cfg.MaxConns,
		// X-Forwarded-For counts only when the direct peer is a trusted proxy.
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          trusted,
		EnableIPValidation:      true,
		// Routing is exact: /g/collect/ and /G/COLLECT are unknown paths, not
		// aliases an attacker can use to dodge allowlists.
		StrictRouting: true,
		CaseSensitive: true,
		// Keep Fiber from echoing our server name.
		ServerHeader: "",
		ErrorHandler: errorHandler(errs, cfg.Logger),
	})
	srv := app.Server()
	// fasthttp answers a request it cannot read (a malformed request line or
	// header, headers over ReadBufferSize, a body over BodyLimit, a read
	// timeout) through this hook, never reaching Fiber's routes. Its error
	// text quotes the raw request, Cookie and Authorization headers
	// included, and Fiber's own hook would send that text back as the body:
	// a script that can provoke a parse error (or anything logging the
	// answer) would read the visitor's HttpOnly cookies. So the answer is a
	// fixed reason per status, and the error texts themselves are built
	// without the request's bytes in case anything else ever logs them.
	srv.ErrorHandler = parseErrorHandler(errs)
	srv.SecureErrorLogMessage = true
	return app, errs
}

// parseErrorHandler answers a request fasthttp could not read with a fixed
// one-line reason, counted like every other error. Nothing of the request
// is echoed, and nothing is logged: the fault is the client's.
func parseErrorHandler(errs *Errors) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		status, code := parseErrorStatus(err)
		errs.add(code)
		ctx.Error(fasthttp.StatusMessage(status)+"\n", status) // resets the response; text/plain
		ctx.Response.Header.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	}
}

// parseErrorStatus is the status and code of a request fasthttp could not
// read. A timeout is 408 (whose status line and body, "Request Timeout",
// are what they were under Fiber's own hook); fasthttp does not always wrap
// the network error, hence the fallback on its text.
func parseErrorStatus(err error) (int, string) {
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.As(err, &small):
		return fiber.StatusRequestHeaderFieldsTooLarge, consentproxy.EHEADERS
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return fiber.StatusRequestEntityTooLarge, consentproxy.ETOOLARGE
	case errors.Is(err, fasthttp.ErrGetOnly):
		return fiber.StatusMethodNotAllowed, consentproxy.EMETHOD
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, os.ErrDeadlineExceeded),
		strings.Contains(err.Error(), "timeout"):
		return fiber.StatusRequestTimeout, consentproxy.EINVALID
	}
	return fiber.StatusBadRequest, consentproxy.EINVALID
}

// errorHandler answers every error a handler returns. Domain errors carry a
// client-safe message; anything else is an internal error that is logged and
// answered with a generic text.
//
// A 5xx answer carries a random error id, in an X-Error-Id header and on
// the body's second line ("Error id: …"), and the log line that describes the error carries
// the same id: an operator handed a visitor's screenshot or a client's
// report finds the one line that explains it, and the client still learns
// nothing about the failure.
func errorHandler(errs *Errors, log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		code, msg := codeOf(err)
		errs.add(code)
		status := Status(code)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		if status >= 500 {
			id := newErrorID()
			// The route, not the URL: a query string may carry personal data.
			attrs := []any{"error_id", id, "method", c.Method(), "route", c.Route().Path, "err", err}
			if code == consentproxy.EINTERNAL {
				log.Error("internal error", attrs...)
			} else {
				log.Warn("unavailable", attrs...)
			}
			c.Set(HeaderErrorID, id)
			msg += "\nError id: " + id
		}
		return c.Status(status).SendString(msg + "\n")
	}
}

// HeaderErrorID names the header that carries a 5xx answer's error id.
const HeaderErrorID = "X-Error-Id"

// newErrorID is 8 random bytes in hex: unguessable, and unique enough to
// find one log line among a deployment's errors.
func newErrorID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// codeOf is an error's domain code and client-safe message. Fiber's own
// errors (routing, body limit, parsing) map onto our codes.
func codeOf(err error) (code, msg string) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fiberCode(fe.Code), fe.Message
	}
	return consentproxy.ErrorCode(err), consentproxy.ErrorMessage(err)
}

// StatusOf is the status the error handler will answer err with, for
// middleware that counts outcomes before the handler has run. nil is 200.
func StatusOf(err error) int {
	if err == nil {
		return fiber.StatusOK
	}
	code, _ := codeOf(err)
	return Status(code)
}

func fiberCode(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return consentproxy.ENOTFOUND
	case fiber.StatusMethodNotAllowed:
		return consentproxy.EMETHOD
	case fiber.StatusRequestEntityTooLarge:
		return consentproxy.ETOOLARGE
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return consentproxy.EHEADERS
	case fiber.StatusForbidden:
		return consentproxy.EFORBIDDEN
	case fiber.StatusUnauthorized:
		return consentproxy.EUNAUTH
	case fiber.StatusTooManyRequests:
		return consentproxy.ERATELIMIT
	case fiber.StatusServiceUnavailable:
		return consentproxy.EUNAVAIL
	}
	if status >= 400 && status < 500 {
		return consentproxy.EINVALID
	}
	return consentproxy.EINTERNAL
}
