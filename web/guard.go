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
func Health(r fiber.Router, checks map[string]Check) {
	r.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendString("ok\n")
	})
	r.Get("/readyz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		out := fiber.Map{}
		ok := true
		for name, check := range checks {
			if err := check(ctx); err != nil {
				out[name] = "failing"
				ok = false
			} else {
				out[name] = "ok"
			}
		}
		if !ok {
			return c.Status(fiber.StatusServiceUnavailable).JSON(out)
		}
		return c.JSON(out)
	})
}

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
