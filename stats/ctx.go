package stats

import (
	"context"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

// contextWithTimeout derives the engine's context from the request's, so a
// client that goes away, or a server shutting down, cancels the query.
func contextWithTimeout(c *fiber.Ctx, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), d)
}

// queryValues copies the request's query parameters; fasthttp's buffers are
// reused after the handler returns.
func queryValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	for k, val := range c.Context().QueryArgs().All() {
		v.Add(string(k), string(val))
	}
	return v
}
