package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
)

// The opt-out page's states, in the order they win.
const (
	PageOptedOut  = "opted_out" // the opt-out cookie is set
	PageSignal    = "signal"    // GPC or DNT is sent and honoured
	PageConsented = "consented" // a valid consent with analytics for this revision
	PageDenied    = "denied"    // a valid choice without analytics
	PageMeasured  = "measured"  // no choice, where the model measures without one
	PageNone      = "none"      // no valid choice
)

// pageStyle is the page's only style, allowed by its hash: the page needs
// no other origin, no script, no inline style attribute.
const pageStyle = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#48505b;--accent:#1d4ed8;--on:#fff}` +
	`@media (prefers-color-scheme:dark){:root{--bg:#1f2328;--fg:#f0f3f6;--muted:#c9d1d9;--accent:#9ec1ff;--on:#0b1530}}` +
	`body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}` +
	`main{max-width:36rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.5rem;line-height:1.25}` +
	`.state{padding:.75rem 1rem;border-left:4px solid var(--accent)}.note{color:var(--muted);font-size:.875rem}` +
	`button{font:inherit;font-weight:600;min-height:44px;padding:.5rem 1.25rem;border:2px solid var(--accent);` +
	`border-radius:8px;background:var(--accent);color:var(--on);cursor:pointer}` +
	`button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}`

const pageSource = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{index .T "optout_title"}}</title>
<style>` + pageStyle + `</style>
</head>
<body>
<main>
<h1>{{index .T "optout_title"}}</h1>
<p>{{index .T "optout_intro"}}</p>
<p id="state" class="state" data-state="{{.State}}">{{.StateText}}</p>
{{- if .AlsoSignal}}
<p id="signal" class="state" data-state="signal">{{index .T "state_signal"}}</p>
{{- end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="action" value="{{if .OptedOut}}optin{{else}}optout{{end}}">
<button type="submit">{{if .OptedOut}}{{index .T "optin_button"}}{{else}}{{index .T "optout_button"}}{{end}}</button>
</form>
<p class="note">{{index .T "optout_cookie"}}</p>
</main>
</body>
</html>
`

type optOutPage struct {
	tmpl *template.Template
	csp  string
}

func newOptOutPage() *optOutPage {
	sum := sha256.Sum256([]byte(pageStyle))
	return &optOutPage{
		tmpl: template.Must(template.New("optout").Parse(pageSource)),
		// form-action 'self' also covers the 303 back to the page.
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	}
}

type pageData struct {
	Lang, State, StateText, Action string
	OptedOut, AlsoSignal           bool
	T                              map[string]string
}

// visitorState is what the page tells the visitor: Decide's answer for
// their signals, cookies and place, so the page and the proxy agree.
func (h *Handlers) visitorState(c *fiber.Ctx) (state string, signal bool) {
	hdr := &c.Request().Header
	j := h.Jurisdiction(c)
	gpc := string(hdr.Peek("Sec-GPC")) == "1"
	dnt := string(hdr.Peek("DNT")) == "1"
	signal = gpc && (h.policy.HonorGPC || j.Model == ModelOptOut) || h.policy.HonorDNT && dnt
	consent := StateMissing
	if h.Codec != nil {
		consent = h.Codec.StateOfHeader(hdr, h.Scope(c), h.Revision)
	}
	// The banner's setting, which the proxy's policy must mirror.
	p := h.policy
	p.ConsentOverridesSignals = h.AllowOptInOverSignals
	switch Decide(Signals{OptOut: OptedOut(hdr), GPC: gpc, DNT: dnt, Consent: consent, Model: j.Model}, p) {
	case consentproxy.ReasonOptOut:
		return PageOptedOut, signal
	case consentproxy.ReasonGPC, consentproxy.ReasonDNT:
		return PageSignal, signal
	case consentproxy.ReasonDenied:
		return PageDenied, signal
	case consentproxy.ReasonForwarded:
		if consent == StateGranted {
			return PageConsented, signal
		}
		return PageMeasured, signal
	}
	return PageNone, signal
}

// optOutPage is GET /optout: plain HTML that works with JavaScript off and
// reads well in curl.
func (h *Handlers) optOutPage(c *fiber.Ctx) error {
	lang, fromQuery := h.lang(c)
	t := h.texts.For(lang)
	state, signal := h.visitorState(c)
	d := pageData{Lang: lang, State: state, StateText: t["state_"+state], T: t, Action: "optout",
		OptedOut: state == PageOptedOut, AlsoSignal: state == PageOptedOut && signal}
	if fromQuery {
		d.Action += "?lang=" + lang
	}
	var buf bytes.Buffer
	if err := h.page.tmpl.Execute(&buf, d); err != nil {
		return err // a template bug, not the visitor's fault
	}
	pageHeaders(c, h.page.csp)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// pageHeaders are the strict headers of the page and of its form's answers.
func pageHeaders(c *fiber.Ctx, csp string) {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, csp)
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// same-origin, not no-referrer: with no-referrer the browser sends
	// "Origin: null" on the form post, which reads as cross-site.
	h.Set(fiber.HeaderReferrerPolicy, "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set(fiber.HeaderCacheControl, "no-store")
}

// optOutPost is POST /optout. With no body, a JSON body or action=optout it
// sets the opt-out cookie; action=optin clears it, which only the proxy's
// own page or an allowed origin may do. An HTML form gets a 303 back to the
// page; anything else the JSON answer.
func (h *Handlers) optOutPost(c *fiber.Ctx) error {
	form := isForm(c)
	optIn := false
	if form {
		switch c.FormValue("action") {
		case "", "optout":
		case "optin":
			optIn = true
		default:
			return consentproxy.Errorf(consentproxy.EINVALID, "Field \"action\" must be optout or optin.")
		}
	}
	if optIn {
		if !h.Origins.SameSite(c) {
			return consentproxy.Errorf(consentproxy.EFORBIDDEN, "Cross-site opt-out changes are not accepted.")
		}
		c.Cookie(h.cookie(c, OptOutCookie, "", -1))
	} else {
		c.Cookie(h.cookie(c, OptOutCookie, "1", OptOutMaxAge))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if form && strings.Contains(string(c.Request().Header.Peek(fiber.HeaderAccept)), "text/html") {
		loc := "optout" // relative: right under any path prefix the proxy is mounted at
		if q := c.Query("lang"); q != "" {
			loc += "?lang=" + h.texts.Pick(q)
		}
		pageHeaders(c, h.page.csp)
		c.Set(fiber.HeaderLocation, loc)
		return c.SendStatus(fiber.StatusSeeOther)
	}
	return c.JSON(fiber.Map{"opted_out": !optIn})
}

func isForm(c *fiber.Ctx) bool {
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	return strings.HasPrefix(ct, fiber.MIMEApplicationForm) || strings.HasPrefix(ct, fiber.MIMEMultipartForm)
}
