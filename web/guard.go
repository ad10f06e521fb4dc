package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Guard refuses requests that try to use the proxy as a forward proxy or to
// confuse it about which host it is: an absolute-form request target
// ("GET http://evil.example/ HTTP/1.1"), or a Host header that is not a plain
// host[:port]. The proxy never builds an upstream URL from either, but
// refusing them outright keeps logs, cookies and same-origin checks honest.
func Guard() fiber.Handler {
	return func(c *fiber.Ctx) error {
		uri := c.Request().Header.RequestURI()
		if len(uri) == 0 || uri[0] != '/' {
			return consentproxy.Errorf(consentproxy.EINVALID, "Only origin-form request targets are accepted.")
		}
		if !validHost(c.Request().Header.Host()) {
			return consentproxy.Errorf(consentproxy.EINVALID, "Invalid Host header.")
		}
		return c.Next()
	}
}

func validHost(h []byte) bool {
	if len(h) == 0 || len(h) > 255 {
		return false
	}
	for _, b := range h {
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case b == '.', b == '-', b == ':', b == '[', b == ']', b == '_':
		default:
			return false
		}
	}
	return true
}

// Check is a readiness probe of one dependency.
type Check func(ctx context.Context) error

// Health mounts /healthz (the process answers) and /readyz (every check
// passes within 2 s). Failing checks are named, never described: their errors
// may carry addresses that are nobody's business.
//
// The checks run side by side, and one that has not answered by the
// deadline counts as failing even if it ignores its context (a ClickHouse
// server that accepts connections but never answers holds a ping for the
// driver's dial timeout): a probe must get its 503 in time, not a timeout.
func Health(r fiber.Router, checks map[string]Check) {
	r.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendString("ok\n")
	})
	r.Get("/readyz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
		defer cancel()
		type result struct {
			name string
			err  error
		}
		results := make(chan result, len(checks)) // buffered: late checks never block
		for name, check := range checks {
			go func() { results <- result{name, check(ctx)} }()
		}
		out := fiber.Map{}
		for name := range checks {
			out[name] = "failing" // until it answers in time
		}
		ok := true
	wait:
		for range checks {
			select {
			case res := <-results:
				if res.err == nil {
					out[res.name] = "ok"
				} else {
					ok = false
				}
			case <-ctx.Done():
				ok = false
				break wait
			}
		}
		if !ok {
			return c.Status(fiber.StatusServiceUnavailable).JSON(out)
		}
		return c.JSON(out)
	})
}

// readyTimeout bounds /readyz, below the usual 5 s of a load balancer's probe.
const readyTimeout = 2 * time.Second

// SecurityHeaders sets the headers every served page and script carries.
func SecurityHeaders() fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
		h.Set(fiber.HeaderXFrameOptions, "DENY")
		h.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'")
		return c.Next()
	}
}
