package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Guard refuses requests that try to use the proxy as a forward proxy or to
// confuse it about which host it is: an absolute-form request target
// ("GET http://evil.example/ HTTP/1.1"), or a Host header that is not a plain
// host[:port]. The proxy never builds an upstream URL from either, but
// refusing them outright keeps logs, cookies and same-origin checks honest.
//
// Guard also refuses encoded request bodies (see RefuseEncodedBodies): it
// is the first middleware every request passes, so no handler behind it
// can ever decompress one.
func Guard() fiber.Handler {
	return func(c *fiber.Ctx) error {
		uri := c.Request().Header.RequestURI()
		if len(uri) == 0 || uri[0] != '/' {
			return consentproxy.Errorf(consentproxy.EINVALID, "Only origin-form request targets are accepted.")
		}
		if !validHost(c.Request().Header.Host()) {
			return consentproxy.Errorf(consentproxy.EINVALID, "Invalid Host header.")
		}
		if err := refuseEncoded(c); err != nil {
			return err
		}
		return c.Next()
	}
}

// RefuseEncodedBodies answers a request that declares a Content-Encoding
// other than identity with 415 (code EENCODED, counted by the error
// handler) before anything reads its body; Guard includes it.
//
// Fiber's Ctx.Body() decodes gzip, deflate and br bodies (later releases
// zstd too), each coding of a list in turn, with no limit on what they
// expand to, and the
// body limit applies only to the bytes on the wire: 492 bytes of nested
// gzip posted to /consent took the process from 271 MiB to 1.1 GiB. No
// client of this service sends an encoded body (gtag.js, the banner's
// fetch, the API's clients, a sign-in form), so the header alone decides,
// whatever its case, list or number of lines; the body is never touched.
func RefuseEncodedBodies() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseEncoded(c); err != nil {
			return err
		}
		return c.Next()
	}
}

func refuseEncoded(c *fiber.Ctx) error {
	if !encodedBody(&c.Request().Header) {
		return nil
	}
	// RFC 9110 §12.5.3: a 415 for a content coding says which are accepted.
	c.Set(fiber.HeaderAcceptEncoding, "identity")
	return consentproxy.Errorf(EENCODED, "Encoded request bodies are not accepted.")
}

// encodedBody reports whether any Content-Encoding line names a coding
// other than identity. Header names are compared case-insensitively, so
// the answer holds even with header normalization turned off; empty list
// elements are allowed (RFC 9110 §5.6.1) and name nothing.
func encodedBody(h *fasthttp.RequestHeader) bool {
	for k, v := range h.All() {
		if !bytes.EqualFold(k, headerContentEncoding) {
			continue
		}
		for len(v) > 0 {
			var coding []byte
			coding, v, _ = bytes.Cut(v, comma)
			coding = bytes.Trim(coding, " \t")
			if len(coding) > 0 && !bytes.EqualFold(coding, identity) {
				return true
			}
		}
	}
	return false
}

var (
	headerContentEncoding = []byte(fiber.HeaderContentEncoding)
	comma                 = []byte(",")
	identity              = []byte("identity")
)

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
