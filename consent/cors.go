package consent

import (
	"github.com/gofiber/fiber/v2"
)

// withCORS lets the banner on an allowed site origin call the proxy on
// another host of the same site, with its cookies. Other origins get no
// CORS headers, so their pages cannot read the answers.
func (h *Handlers) withCORS(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h.cors(c)
		return next(c)
	}
}

func (h *Handlers) cors(c *fiber.Ctx) bool {
	// The answer depends on Origin even when it is refused: a shared cache
	// must not hand one origin's answer to another.
	c.Vary(fiber.HeaderOrigin)
	origin := c.Request().Header.Peek(fiber.HeaderOrigin)
	if !h.Origins.Allowed(origin) {
		return false
	}
	hdr := &c.Response().Header
	hdr.SetBytesV(fiber.HeaderAccessControlAllowOrigin, origin)
	hdr.Set(fiber.HeaderAccessControlAllowCredentials, "true")
	return true
}

// preflight answers OPTIONS. A refused origin gets a bare 204, which the
// browser treats as a refusal.
func (h *Handlers) preflight(c *fiber.Ctx) error {
	if h.cors(c) {
		hdr := &c.Response().Header
		hdr.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST, DELETE")
		hdr.Set(fiber.HeaderAccessControlAllowHeaders, "Content-Type")
		hdr.Set(fiber.HeaderAccessControlMaxAge, "600")
	}
	return c.SendStatus(fiber.StatusNoContent)
}
