package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
)

// StaffCookie marks a browser whose hits the site's own staff want left out
// of the numbers: GA4's "internal traffic", decided per browser instead of
// per address, so it works from home offices and phones too. It holds "1"
// and nothing else.
const StaffCookie = "cp_exclude"

// StaffMaxAge is the staff cookie's lifetime: 400 days, as the opt-out's.
const StaffMaxAge = 400 * 24 * time.Hour

// StaffExcluded reports whether the request carries the staff cookie.
func StaffExcluded(h *fasthttp.RequestHeader) bool {
	for k, v := range h.Cookies() {
		if string(k) == StaffCookie && len(v) > 0 {
			return true
		}
	}
	return false
}

// staffSource is the page at GET /exclude. It is for the site's staff, so it
// speaks English only; it is noindex and has no script, like /optout.
const staffSource = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Exclude this browser from the statistics</title>
<style>` + pageStyle + `</style>
</head>
<body>
<main>
<h1>Exclude this browser from the statistics</h1>
<p>For the site's own staff: with the exclusion on, this browser's visits are neither counted nor sent to Google Analytics.
They appear only as one count of excluded hits, so you can see that the exclusion works.</p>
<p id="state" class="state" data-state="{{if .Excluded}}excluded{{else}}counted{{end}}">{{if .Excluded}}This browser is excluded.{{else}}This browser is counted like any visitor's.{{end}}</p>
<form method="post" action="exclude">
<input type="hidden" name="action" value="{{if .Excluded}}include{{else}}exclude{{end}}">
<button type="submit">{{if .Excluded}}Count this browser again{{else}}Exclude this browser{{end}}</button>
</form>
<p class="note">The exclusion is a cookie, ` + StaffCookie + `=1, kept for 400 days; clearing this site's cookies ends it.
Use it in every browser and on every device you work with.</p>
</main>
</body>
</html>
`

type staffPage struct {
	tmpl *template.Template
	csp  string
}

func newStaffPage() *staffPage {
	sum := sha256.Sum256([]byte(pageStyle))
	return &staffPage{
		tmpl: template.Must(template.New("staff").Parse(staffSource)),
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	}
}

// staffGet is GET /exclude.
func (h *Handlers) staffGet(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := h.staff.tmpl.Execute(&buf, struct{ Excluded bool }{StaffExcluded(&c.Request().Header)}); err != nil {
		return err // a template bug
	}
	pageHeaders(c, h.staff.csp)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// staffPost is POST /exclude: action=exclude sets the staff cookie,
// action=include clears it. Only the proxy's own page may do either (a
// same-origin request): another site must not be able to silence its
// visitors' hits by posting a form at them.
func (h *Handlers) staffPost(c *fiber.Ctx) error {
	if !h.Origins.SameSite(c) {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "Cross-site exclusion changes are not accepted.")
	}
	if !isForm(c) {
		return consentproxy.Errorf(consentproxy.EINVALID, "Send the form of GET /exclude.")
	}
	switch c.FormValue("action") {
	case "exclude":
		c.Cookie(h.cookie(c, StaffCookie, "1", StaffMaxAge))
	case "include":
		c.Cookie(h.cookie(c, StaffCookie, "", -1))
	default:
		return consentproxy.Errorf(consentproxy.EINVALID, "Field \"action\" must be exclude or include.")
	}
	pageHeaders(c, h.staff.csp)
	c.Set(fiber.HeaderLocation, "exclude") // relative: right under any path prefix
	return c.SendStatus(fiber.StatusSeeOther)
}
