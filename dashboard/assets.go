package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/gofiber/fiber/v2"
)

// The sources are minified with esbuild at start-up, as package static does
// for the banner: one source of truth, no generated files to drift.
//
//go:embed src/dashboard.js src/dashboard.css
var sources embed.FS

// asset is one built file with its precompressed encodings.
type asset struct {
	name, ctype string
	hash        string // ETag and ?v=
	raw, gz, br []byte
}

type assets struct {
	script, style *asset
}

func (a *asset) url() string { return AssetsPath + "/" + a.name + "?v=" + a.hash }

// The dashboard is for people at work on current browsers; the targets only
// keep esbuild from emitting syntax older engines choke on.
var engines = []api.Engine{
	{Name: api.EngineChrome, Version: "100"},
	{Name: api.EngineFirefox, Version: "100"},
	{Name: api.EngineSafari, Version: "15"},
	{Name: api.EngineIOS, Version: "15"},
}

func buildAssets() (*assets, error) {
	js, err := build("src/dashboard.js", api.LoaderJS)
	if err != nil {
		return nil, err
	}
	css, err := build("src/dashboard.css", api.LoaderCSS)
	if err != nil {
		return nil, err
	}
	a := &assets{
		script: &asset{name: "dashboard.js", ctype: "text/javascript; charset=utf-8", raw: js},
		style:  &asset{name: "dashboard.css", ctype: "text/css; charset=utf-8", raw: css},
	}
	for _, as := range []*asset{a.script, a.style} {
		if err := as.compress(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func build(name string, loader api.Loader) ([]byte, error) {
	src, err := sources.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", name, err)
	}
	res := api.Transform(string(src), api.TransformOptions{
		Loader: loader, Sourcefile: name, Engines: engines,
		MinifyWhitespace: true, MinifyIdentifiers: true, MinifySyntax: true,
		Charset: api.CharsetUTF8, LegalComments: api.LegalCommentsNone, LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		msgs := make([]string, len(res.Errors))
		for i, m := range res.Errors {
			msgs[i] = m.Text
			if m.Location != nil {
				msgs[i] = fmt.Sprintf("%d:%d: %s", m.Location.Line, m.Location.Column, m.Text)
			}
		}
		return nil, fmt.Errorf("build %s: %s", name, strings.Join(msgs, "; "))
	}
	return bytes.TrimSpace(res.Code), nil
}

func (a *asset) compress() error {
	sum := sha256.Sum256(a.raw)
	a.hash = base64.RawURLEncoding.EncodeToString(sum[:9])
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip %s: %w", a.name, err)
	}
	zw.Write(a.raw)
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip %s: %w", a.name, err)
	}
	var br bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 18})
	bw.Write(a.raw)
	if err := bw.Close(); err != nil {
		return fmt.Errorf("brotli %s: %w", a.name, err)
	}
	a.gz, a.br = gz.Bytes(), br.Bytes()
	return nil
}

func (d *Dashboard) asset(c *fiber.Ctx) error {
	var as *asset
	switch c.Params("name") {
	case d.assets.script.name:
		as = d.assets.script
	case d.assets.style.name:
		as = d.assets.style
	default:
		return fiber.ErrNotFound
	}
	h := &c.Response().Header
	if string(c.Request().URI().QueryArgs().Peek("v")) == as.hash {
		h.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		h.Set(fiber.HeaderCacheControl, "no-cache")
	}
	h.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// Only the dashboard itself loads these.
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	enc := encoding(c.Get(fiber.HeaderAcceptEncoding))
	etag := `"` + as.hash + enc + `"`
	h.Set(fiber.HeaderETag, etag)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, `"`+as.hash) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	h.Set(fiber.HeaderContentType, as.ctype)
	switch enc {
	case "-br":
		h.Set(fiber.HeaderContentEncoding, "br")
		return c.Send(as.br)
	case "-gz":
		h.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(as.gz)
	}
	return c.Send(as.raw)
}

// encoding picks brotli, then gzip, from Accept-Encoding, skipping codings
// refused with q=0; "" is identity. Weights other than 0 are not compared:
// every browser lists both at equal weight.
func encoding(header string) string {
	var br, gz bool
	for i, entry := range strings.Split(header, ",") {
		if i >= 32 {
			break
		}
		name, params, _ := strings.Cut(entry, ";")
		p := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000" {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gz = true
		}
	}
	switch {
	case br:
		return "-br"
	case gz:
		return "-gz"
	}
	return ""
}
