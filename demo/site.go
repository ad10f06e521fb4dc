package demo

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Site is the demo shop: a few pages that embed the banner exactly as the
// README's "Embed" says, with a panel that shows the visitor's choice and
// what reached the stand-in Google.
type Site struct {
	// MeasurementID is the id the pages' tag carries. Required.
	MeasurementID string
	// Google is the stand-in whose hits the panel shows. Required.
	Google *Google
}

// Path is where the demo shop lives.
const Path = "/demo/"

// pageCSP is what a strict site would send: scripts, styles and requests
// only from its own origin, which here is the proxy's.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

type page struct {
	// Path is under Path; Nav, if set, names the page in the navigation.
	Path, Nav, Title string
	// Body is a template run with the page's data: {{.Query}} keeps the
	// simulated GPC on the shop's own links.
	Body string
}

// pages are the shop's pages: every path History visits is one of them,
// and the demo's goals (cmd/consentproxy's demoGoals) are among them.
var pages = []page{
	{"", "Home", "Handmade ceramics", `<p>Every cup, bowl and plate in this shop is thrown on a wheel in a small workshop.
The glazes are mixed by hand, so no two pieces look quite the same.</p>
<p>This page embeds consentproxy with one tag. Accept, reject or fine-tune the banner, walk through the
pages, and watch the panel: it shows what the proxy let through to Google, which here is a stand-in on
this machine.</p>`},
	{"products", "Products", "Products", `<ul class="products">
<li><a href="/demo/products/tea-bowl{{.Query}}"><strong>Tea bowl</strong></a> ash glaze, 240 ml, 34 €</li>
<li><strong>Dinner plate</strong> celadon, 27 cm, 42 € (sold out)</li>
<li><a href="/demo/products/mug{{.Query}}"><strong>Mug</strong></a> tenmoku, 330 ml, 29 €</li>
</ul>`},
	{"products/tea-bowl", "", "Tea bowl", `<p>Ash glaze over a speckled stoneware body, 240 ml, 34 €. Each bowl is fired for
twelve hours; the glaze runs where the flame touched it.</p>
<p><a href="/demo/checkout{{.Query}}">Buy this bowl</a> · <a href="/demo/products{{.Query}}">All products</a></p>`},
	{"products/mug", "", "Mug", `<p>Tenmoku glaze, dark brown breaking to rust at the rim, 330 ml, 29 €.</p>
<p><a href="/demo/checkout{{.Query}}">Buy this mug</a> · <a href="/demo/products{{.Query}}">All products</a></p>`},
	{"checkout", "", "Checkout", `<p>This is a demo: nothing is sold and no form is sent. Reaching this page is the
demo's <code>checkout</code> goal, and the last step of its <code>buy</code> funnel (a product page, then this one);
the dashboard shows both.</p>
<p><a href="/demo/products{{.Query}}">Back to the products</a></p>`},
	{"about", "About", "About the workshop", `<p>Two potters, one kiln, and a garden full of clay. Orders ship within three
working days, wrapped in recycled paper.</p>`},
}

var tmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Page.Title}} — demo shop</title>
<link rel="stylesheet" href="/demo/assets/demo.css">
{{- if .GPC}}
<script src="/demo/assets/gpc.js"></script>
{{- end}}
<script src="{{.Origin}}/consent.js" data-measurement-id="{{.ID}}" defer></script>
<script src="/demo/assets/demo.js" defer></script>
</head>
<body>
<header>
<a class="brand" href="/demo/{{.Query}}">Demo shop</a>
<nav aria-label="Shop">{{range .Pages}}{{if .Nav}}<a href="/demo/{{.Path}}{{$.Query}}"{{if eq .Path $.Page.Path}} aria-current="page"{{end}}>{{.Nav}}</a> {{end}}{{end}}</nav>
</header>
<div class="layout">
<main>
<h1>{{.Page.Title}}</h1>
{{template "body" .}}
<h2>The one tag</h2>
<pre><code>{{.Tag}}</code></pre>
</main>
<aside aria-labelledby="panel-title">
<h2 id="panel-title">What the proxy did</h2>
<p>Your choice: <strong id="choice">none yet</strong></p>
<p><button type="button" data-consentproxy-open>Cookie settings</button></p>
<p>{{if .GPC}}Global Privacy Control is <strong>simulated</strong> on these pages: the banner shows its notice and loads no tag.
A real GPC browser (Firefox with "Tell websites not to sell or share my data", Brave) also sends <code>Sec-GPC: 1</code>,
which the proxy honours on the server. <a href="/demo/{{.Page.Path}}">Stop simulating</a>{{else}}<a href="/demo/{{.Page.Path}}?gpc=1">Simulate Global Privacy Control</a>{{end}}</p>
<h3>Reached Google: <span id="google-total">0</span> hits</h3>
<p class="hint">Only with analytics consent, and only the allowlisted, minimized parameters. The stand-in for Google runs on
this machine, so nothing leaves it.</p>
<ol id="google-hits" aria-live="polite"></ol>
<p class="hint"><code>_uip</code> is the address Google sees: a public one cut to /24 (IPv6 /48); a private or loopback
one, like yours here, becomes <code>::</code>.</p>
<p><a href="/dashboard">Open the dashboard</a> · <a href="/privacy">Privacy notice</a> · <a href="/">Proxy home</a></p>
</aside>
</div>
<footer><button type="button" data-consentproxy-open>Cookie settings</button></footer>
</body>
</html>
`))

// pageTmpls are tmpl with each page's body, by path.
var pageTmpls = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, p := range pages {
		t := template.Must(tmpl.Clone())
		template.Must(t.New("body").Parse(p.Body))
		out[p.Path] = t
	}
	return out
}()

// Register mounts the shop's pages under Path, their assets, and
// Path+"google.json", the stand-in's latest hits.
func (s *Site) Register(r fiber.Router) {
	for _, p := range pages {
		r.Get(Path+p.Path, s.page(p))
	}
	r.Get("/demo", func(c *fiber.Ctx) error { return c.Redirect(Path, fiber.StatusMovedPermanently) })
	r.Get(Path+"google.json", s.google)
	r.Get(Path+"assets/:name", asset)
}

func (s *Site) page(p page) fiber.Handler {
	return func(c *fiber.Ctx) error {
		gpc := c.Query("gpc") == "1"
		query := ""
		if gpc {
			query = "?gpc=1"
		}
		origin := c.BaseURL()
		tag := `<script src="` + origin + `/consent.js" data-measurement-id="` + s.MeasurementID + `" defer></script>`
		var b bytes.Buffer
		if err := pageTmpls[p.Path].Execute(&b, map[string]any{
			"Page": p, "Pages": pages, "ID": s.MeasurementID, "Origin": origin, "Tag": tag, "GPC": gpc, "Query": query,
		}); err != nil {
			return err
		}
		h := &c.Response().Header
		h.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
		h.Set(fiber.HeaderCacheControl, "no-store")
		// The shop's pages refer to each other, as a site's do, so gtag's
		// dr shows internal navigation the way it would on a real site.
		h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(b.Bytes())
	}
}

func (s *Site) google(c *fiber.Ctx) error {
	hits, total := s.Google.Hits()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"total": total, "hits": hits})
}

func asset(c *fiber.Ctx) error {
	name := c.Params("name")
	var ctype string
	switch {
	case strings.HasSuffix(name, ".js") && name != "gtag.js":
		ctype = "text/javascript; charset=utf-8"
	case strings.HasSuffix(name, ".css"):
		ctype = "text/css; charset=utf-8"
	default:
		return fiber.ErrNotFound
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(b)
}
