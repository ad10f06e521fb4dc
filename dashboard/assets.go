package dashboard

import (
	"embed"
	"fmt"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/static"
)

// The sources are minified with esbuild at start-up through package static,
// like the banner: one source of truth, no generated files to drift.
//
//go:embed src/*.js src/dashboard.css
var sources embed.FS

// scriptFiles are joined, in this order, into one function: dashboard.js,
// the page's start, runs last and sees the helpers the others declare.
var scriptFiles = []string{"util.js", "chart.js", "cards.js", "coverage.js", "revenue.js", "now.js", "compare.js", "filter.js", "report.js", "dashboard.js"}

type assets struct {
	script, style *static.Asset
	handlers      map[string]fiber.Handler // by file name under AssetsPath
}

// The dashboard is for people at work on current browsers; the targets only
// keep esbuild from emitting syntax older engines choke on.
var engines = []api.Engine{
	{Name: api.EngineChrome, Version: "100"},
	{Name: api.EngineFirefox, Version: "100"},
	{Name: api.EngineSafari, Version: "15"},
	{Name: api.EngineIOS, Version: "15"},
}

func buildAssets() (*assets, error) {
	a := &assets{handlers: map[string]fiber.Handler{}}
	for _, f := range []struct {
		name, ctype string
		loader      api.Loader
		dst         **static.Asset
	}{
		{"dashboard.js", "text/javascript; charset=utf-8", api.LoaderJS, &a.script},
		{"dashboard.css", "text/css; charset=utf-8", api.LoaderCSS, &a.style},
	} {
		src, err := source(f.name)
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", f.name, err)
		}
		raw, err := static.Build(f.name, src, f.loader, engines, nil)
		if err != nil {
			return nil, err
		}
		if *f.dst, err = static.NewAsset(AssetsPath+"/"+f.name, f.ctype, raw); err != nil {
			return nil, err
		}
		// Only the dashboard itself loads these; "no-cache" revalidates an
		// old URL against the ETag.
		a.handlers[f.name] = (*f.dst).Handler(static.ServeOptions{Cache: "no-cache"})
	}
	return a, nil
}

// source is the stylesheet as it is, or the script files wrapped in one
// strict function (a top-level return in dashboard.js ends the script).
func source(name string) ([]byte, error) {
	if name != "dashboard.js" {
		return sources.ReadFile("src/" + name)
	}
	b := []byte("(function () {\n\"use strict\";\n")
	for _, f := range scriptFiles {
		src, err := sources.ReadFile("src/" + f)
		if err != nil {
			return nil, err
		}
		b = append(append(b, src...), '\n')
	}
	return append(b, "})();\n"...), nil
}

func (d *Dashboard) asset(c *fiber.Ctx) error {
	h, ok := d.assets.handlers[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	return h(c)
}
