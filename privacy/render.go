package privacy

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
)

// Formats Render writes.
const (
	FormatHTML     = "html"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Formats lists what Render accepts.
func Formats() []string { return []string{FormatHTML, FormatMarkdown, FormatJSON} }

// Render writes the notice for f in one format and language (one of
// Languages). It fails on facts the texts cannot state (see Validate), an
// unknown format or an unknown language: never with a half-written notice.
func Render(f Facts, format, language string, o Options) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	l, err := newLang(language)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatHTML:
		o.relative = true
		var buf bytes.Buffer
		if err := page.Execute(&buf, build(&f, l, o)); err != nil {
			return nil, fmt.Errorf("privacy notice: %w", err) // a template bug
		}
		return buf.Bytes(), nil
	case FormatMarkdown:
		return markdown(build(&f, l, o)), nil
	case FormatJSON:
		return renderJSON(&f, l, o)
	}
	return nil, fmt.Errorf("privacy notice: unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// pageStyle is the page's only style, allowed by its hash: the page needs
// no script, no other origin and no inline style attribute. Below 40rem the
// tables become one block per row, each cell labelled by its column.
const pageStyle = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#48505b;--line:#d0d7de;--accent:#1d4ed8;--code:#f3f4f6}` +
	`@media (prefers-color-scheme:dark){:root{--bg:#1f2328;--fg:#f0f3f6;--muted:#c9d1d9;--line:#444c56;--accent:#9ec1ff;--code:#2d333b}}` +
	`body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}` +
	`main,footer{max-width:60rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.75rem;line-height:1.25}h2{font-size:1.3rem;margin-top:2.25rem}` +
	`a{color:var(--accent)}a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}` +
	`code{font:.9em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:.05em .3em;border-radius:4px;overflow-wrap:anywhere}` +
	`table{width:100%;border-collapse:collapse;margin:1rem 0;font-size:.95rem}th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid var(--line)}` +
	`thead th{border-bottom:2px solid var(--line)}tbody th code{white-space:nowrap}footer{color:var(--muted);font-size:.875rem}` +
	`@media (max-width:40rem){table,tbody,tr,th,td{display:block}thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}` +
	`tr{border-bottom:2px solid var(--line);padding:.5rem 0}th,td{border:0;padding:.2rem 0}td::before{content:attr(data-label) ": ";font-weight:600}}`

const pageSource = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>` + pageStyle + `</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{- range .Intro}}
<p>{{template "inline" .}}</p>
{{- end}}
{{- range .Sections}}
<section id="{{.ID}}" aria-labelledby="{{.ID}}-title">
<h2 id="{{.ID}}-title">{{.Title}}</h2>
{{- range .Blocks}}
{{- if .Table}}
{{template "table" .Table}}
{{- else if .Items}}
<ul>
{{- range .Items}}
<li>{{template "inline" .}}</li>
{{- end}}
</ul>
{{- else}}
<p>{{template "inline" .Para}}</p>
{{- end}}
{{- end}}
</section>
{{- end}}
</main>
<footer><p>{{template "inline" .Footer}}</p></footer>
</body>
</html>
{{define "inline"}}{{range .}}{{if .Href}}<a href="{{.Href}}">{{if .Code}}<code>{{.Text}}</code>{{else}}{{.Text}}{{end}}</a>{{else if .Code}}<code>{{.Text}}</code>{{else}}{{.Text}}{{end}}{{end}}{{end}}
{{define "table"}}<table>
<thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{template "inline" $c}}</th>{{else}}<td data-label="{{index $.Head $i}}">{{template "inline" $c}}</td>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>{{end}}`

var page = template.Must(template.New("privacy").Parse(pageSource))

// CSP is the Content-Security-Policy the HTML page is served with: no
// script at all, its one stylesheet by hash, no forms, no frames.
func CSP() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
}
