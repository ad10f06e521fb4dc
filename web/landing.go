package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"

	"github.com/gofiber/fiber/v2"
)

// Landing is the proxy's home page at "/": what runs, how it is set up,
// and where to go next. It shows configuration only, never visitor data,
// so it needs no sign-in.
type Landing struct {
	// Version is the build's version. Default "" (not shown).
	Version string
	// Settings are label and value pairs, in order.
	Settings [][2]string
	// Links are label and path pairs, in order; DashboardPath's link
	// carries a sign-in link's #signin= fragment on.
	Links [][2]string
	// Notes are warnings worth a look, one sentence each. Default none.
	Notes []string
}

// DashboardPath is the link the landing page hands a sign-in fragment to.
const DashboardPath = "/dashboard"

// landingStyle and landingScript are inline, allowed by their hashes in
// the page's CSP: no other script or style can run there.
const landingStyle = `body{font-family:system-ui,sans-serif;line-height:1.5;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{width:40%;font-weight:600}.notes li{color:#8a4b00}ul.links{font-size:1.1rem}code{font-family:ui-monospace,monospace}`

// The fragment of the printed sign-in URL (/#signin=…) moves out of the
// address bar into the dashboard link and the tab's sessionStorage, where
// the dashboard finds it however one gets there (the demo shop links to
// it too): it never reaches a server or a log.
const landingScript = `(function(){var m=/^#signin=([A-Za-z0-9_-]{20,100})$/.exec(location.hash);if(!m)return;` +
	`history.replaceState(null,"",location.pathname+location.search);` +
	`try{sessionStorage.setItem("consentproxy-signin",m[1])}catch(e){}` +
	`var a=document.querySelector('a[data-dashboard]');if(a)a.href=a.getAttribute("href")+m[0];})();`

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

var landingCSP = "default-src 'none'; style-src " + cspHash(landingStyle) + "; script-src " + cspHash(landingScript) +
	"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var landingTmpl = template.Must(template.New("landing").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>consentproxy</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
<h1>consentproxy is running</h1>
<p>A first-party proxy in front of Google Analytics 4 that decides on the server what may reach Google, and keeps
aggregate counts only.{{if .L.Version}} Version <code>{{.L.Version}}</code>.{{end}}</p>
<ul class="links">
{{- range .L.Links}}
<li><a href="{{index . 1}}"{{if eq (index . 1) $.Dashboard}} data-dashboard{{end}}>{{index . 0}}</a></li>
{{- end}}
</ul>
{{- if .L.Notes}}
<h2>Worth a look</h2>
<ul class="notes">
{{- range .L.Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
<h2>Configuration</h2>
<table>
{{- range .L.Settings}}
<tr><th scope="row">{{index . 0}}</th><td>{{index . 1}}</td></tr>
{{- end}}
</table>
</main>
<script>{{.Script}}</script>
</body>
</html>
`))

// Handler serves the page.
func (l Landing) Handler() (fiber.Handler, error) {
	var b bytes.Buffer
	err := landingTmpl.Execute(&b, map[string]any{
		"L": l, "Dashboard": DashboardPath,
		"Style": template.CSS(landingStyle), "Script": template.JS(landingScript),
	})
	if err != nil {
		return nil, err
	}
	page := b.Bytes()
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set(fiber.HeaderContentSecurityPolicy, landingCSP)
		h.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(page)
	}, nil
}
