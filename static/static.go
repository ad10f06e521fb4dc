// Package static builds and serves the consent banner's script and styles.
//
// The sources are embedded and minified with esbuild when the proxy starts,
// then built into one copy per language, each with its settings and texts
// inside, and compressed once with gzip and brotli. Building at start-up rather than
// committing generated output keeps one source of truth: nothing can drift,
// there is no generator step to forget, and the script can name the
// stylesheet by its content hash. Measured cost: about 30 ms and 7 MB of
// transient memory once at start-up (BenchmarkBuild), and about 5.6 MB of
// binary for esbuild.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/gofiber/fiber/v2"
)

//go:embed src/consent.js src/consent.css
var sources embed.FS

// Routes the assets are served at, relative to the proxy's root.
const (
	ScriptPath = "/consent.js"
	StylePath  = "/consent.css"
)

// Config tunes how the assets are built and served.
type Config struct {
	// MaxAge is the cache lifetime of a request without the current
	// ?v=<hash>, which is how sites embed /consent.js. Default 1 h: a new
	// release reaches every visitor within the hour, and meanwhile the ETag
	// makes revalidation cheap. Requests with the current hash are cached
	// for a year, immutable.
	MaxAge time.Duration
	// Banner is what the script is built with. Required.
	Banner Banner
}

// Banner holds the banner's settings and texts, as consent.Handlers makes
// them. Each language gets its own copy of the script with its config
// built in, so that the first layer paints with no request after the
// script, and a stored choice applies before anything else loads.
type Banner struct {
	// Configs are config.json per language. Required: at least Default's.
	Configs map[string][]byte
	// Version names every config at once: a script asks for another
	// language as config.json?v=<Version>, which is cached for good.
	// Default: none, and such requests revalidate.
	Version string
	// Default is the language served when Pick names none that Configs
	// has. Default "en".
	Default string
	// Pick chooses the language for an Accept-Language header, or for the
	// ?lang= list a site may put on the script's URL. Default: always
	// Default.
	Pick func(list string) string

	// Variants are the settings that differ by the visitor's place (the
	// consent model of their jurisdiction), a JSON object each, which
	// every language's copy gets as its config's "jurisdiction" member.
	// Default: one variant, "", without that member.
	Variants map[string][]byte
	// DefaultVariant is served when Variant names none that Variants has:
	// the strictest. Default "".
	DefaultVariant string
	// Variant picks the visitor's variant from the request. With more
	// than one variant the script is cached privately (by the browser,
	// never a shared cache), since its content depends on where the
	// visitor is. Default: always DefaultVariant.
	Variant func(*fiber.Ctx) string
}

// Asset is one built file in every encoding it is served in.
type Asset struct {
	Path        string // ScriptPath or StylePath
	ContentType string
	// Hash is the content hash of Raw (12 characters of base64url SHA-256):
	// the ETag and the ?v= of the immutable URL.
	Hash   string
	Raw    []byte // minified
	Gzip   []byte
	Brotli []byte
	// lazy assets are compressed on their first request (once), not at
	// start-up: the copies of other jurisdictions than the default, which
	// multiply the start-up cost (about 40 ms each) and may never be asked
	// for.
	lazy bool
	once sync.Once
}

// URL is the asset's immutable address, relative to the proxy's root.
func (a *Asset) URL() string { return a.Path + "?v=" + a.Hash }

// Assets are the built banner files.
type Assets struct {
	cfg Config
	// Copies are the script's copies by variant, then language.
	Copies map[string]map[string]*Asset
	// Scripts are the default variant's copies by language; Script is the
	// default language's.
	Scripts map[string]*Asset
	Script  *Asset
	Style   *Asset
}

// engines are the oldest browsers the banner supports; esbuild lowers
// newer syntax (and CSS such as inset) for them.
var engines = []api.Engine{
	{Name: api.EngineChrome, Version: "80"},
	{Name: api.EngineEdge, Version: "80"},
	{Name: api.EngineFirefox, Version: "80"},
	{Name: api.EngineSafari, Version: "13.1"},
	{Name: api.EngineIOS, Version: "13.4"},
}

// bootPlaceholder is where each copy of the script gets its config.
const bootPlaceholder = "__CP_BOOT__"

// New builds the assets from the embedded sources.
func New(cfg Config) (*Assets, error) {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = time.Hour
	}
	if cfg.Banner.Default == "" {
		cfg.Banner.Default = "en"
	}
	if _, ok := cfg.Banner.Configs[cfg.Banner.Default]; !ok {
		return nil, fmt.Errorf("build consent.js: no config for the default language %q", cfg.Banner.Default)
	}
	css, err := build("src/consent.css", api.LoaderCSS, nil)
	if err != nil {
		return nil, err
	}
	style := newAsset(StylePath, "text/css; charset=utf-8", css)
	// The stylesheet goes into the script, which adopts it into its shadow
	// root; engines without constructable stylesheets load the file, named
	// by hash so that it is cached for good.
	js, err := build("src/consent.js", api.LoaderJS, map[string]string{
		"__CP_CSS__": jsonString(string(css)), "__CP_CSSV__": jsonString(style.Hash), "__CP_CFGV__": jsonString(cfg.Banner.Version),
	})
	if err != nil {
		return nil, err
	}
	if bytes.Count(js, []byte(bootPlaceholder)) != 1 || bytes.Count(js, []byte("__CP_")) != 1 {
		return nil, fmt.Errorf("build consent.js: want exactly one %s and no other build-time placeholder", bootPlaceholder)
	}
	variants := cfg.Banner.Variants
	if len(variants) == 0 {
		variants = map[string][]byte{cfg.Banner.DefaultVariant: nil}
	}
	if _, ok := variants[cfg.Banner.DefaultVariant]; !ok {
		return nil, fmt.Errorf("build consent.js: no variant %q", cfg.Banner.DefaultVariant)
	}
	a := &Assets{cfg: cfg, Style: style, Copies: map[string]map[string]*Asset{}}
	for v, jur := range variants {
		if jur != nil && (!json.Valid(jur) || !bytes.HasPrefix(bytes.TrimSpace(jur), []byte("{"))) {
			return nil, fmt.Errorf("build consent.js: variant %q is not a JSON object", v)
		}
		a.Copies[v] = map[string]*Asset{}
		for lang, conf := range cfg.Banner.Configs {
			conf = bytes.TrimSpace(conf)
			if !json.Valid(conf) || !bytes.HasPrefix(conf, []byte("{")) {
				return nil, fmt.Errorf("build consent.js: the %s config is not a JSON object", lang)
			}
			boot := conf
			if jur != nil {
				boot = spliceMember(conf, "jurisdiction", jur)
			}
			// JSON is a JavaScript expression; encoding/json escapes U+2028 and
			// U+2029, which older engines refuse in string literals.
			raw := bytes.Replace(js, []byte(bootPlaceholder), boot, 1)
			s := newAsset(ScriptPath, "text/javascript; charset=utf-8", raw)
			if v == cfg.Banner.DefaultVariant {
				if err := s.compress(); err != nil {
					return nil, err
				}
			} else {
				s.lazy = true
			}
			a.Copies[v][lang] = s
		}
	}
	a.Scripts = a.Copies[cfg.Banner.DefaultVariant]
	a.Script = a.Scripts[cfg.Banner.Default]
	if err := style.compress(); err != nil {
		return nil, err
	}
	return a, nil
}

// spliceMember adds "name":value as the first member of the JSON object obj.
func spliceMember(obj []byte, name string, value []byte) []byte {
	out := make([]byte, 0, len(obj)+len(name)+len(value)+4)
	out = append(out, '{')
	out = append(out, jsonString(name)...)
	out = append(out, ':')
	out = append(out, value...)
	if rest := bytes.TrimSpace(obj[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, obj[1:]...)
}

// jsonString is s as a JSON string, the form esbuild's define takes.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func build(name string, loader api.Loader, define map[string]string) ([]byte, error) {
	src, err := sources.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", name, err)
	}
	return Build(name, src, loader, engines, define)
}

// Build minifies one source with esbuild for the given browser engines:
// the one minifier of the binary, shared by the banner and the dashboard.
func Build(name string, src []byte, loader api.Loader, engines []api.Engine, define map[string]string) ([]byte, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Loader:            loader,
		Sourcefile:        name,
		Engines:           engines,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		Define:            define,
		LogLevel:          api.LogLevelSilent,
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

// NewAsset hashes raw and precompresses it with gzip and brotli.
func NewAsset(path, ctype string, raw []byte) (*Asset, error) {
	a := newAsset(path, ctype, raw)
	return a, a.compress()
}

func newAsset(path, ctype string, raw []byte) *Asset {
	sum := sha256.Sum256(raw)
	return &Asset{Path: path, ContentType: ctype, Raw: raw, Hash: base64.RawURLEncoding.EncodeToString(sum[:9])}
}

// compress encodes once at the highest levels: the files are small and
// served many times, so every byte saved is worth the milliseconds.
func (a *Asset) compress() error {
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip %s: %w", a.Path, err)
	}
	if _, err := zw.Write(a.Raw); err != nil {
		return fmt.Errorf("gzip %s: %w", a.Path, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip %s: %w", a.Path, err)
	}
	var br bytes.Buffer
	// A 64 KiB window covers the whole file; the default 4 MiB one only
	// costs memory.
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 16})
	if _, err := bw.Write(a.Raw); err != nil {
		return fmt.Errorf("brotli %s: %w", a.Path, err)
	}
	if err := bw.Close(); err != nil {
		return fmt.Errorf("brotli %s: %w", a.Path, err)
	}
	a.Gzip, a.Brotli = gz.Bytes(), br.Bytes()
	return nil
}

// Register mounts GET (and HEAD) /consent.js and /consent.css.
func (a *Assets) Register(r fiber.Router) {
	r.Get(ScriptPath, a.serveScript())
	r.Get(StylePath, a.Style.Handler(a.options()))
}

func (a *Assets) options() ServeOptions {
	return ServeOptions{
		Cache: "public, max-age=" + strconv.Itoa(int(a.cfg.MaxAge/time.Second)),
		// Public, cookie-free files: readable cross-origin so sites can use
		// Subresource Integrity, and embeddable under COEP.
		CrossOrigin: true,
	}
}

// serveScript serves the copy of the script for the visitor's place and
// language: the ?lang= list on the script's URL if the site put one there,
// else the browser's Accept-Language (and then the answer varies by it).
func (a *Assets) serveScript() fiber.Handler {
	opts := a.options()
	if len(a.Copies) > 1 {
		// The copy depends on where the visitor is, which no request
		// header of theirs says: no shared cache may keep it.
		opts.Cache = "private, max-age=" + strconv.Itoa(int(a.cfg.MaxAge/time.Second))
		opts.Private = true
	}
	handlers := map[string]map[string]fiber.Handler{}
	for v, copies := range a.Copies {
		handlers[v] = map[string]fiber.Handler{}
		for lang, s := range copies {
			handlers[v][lang] = s.Handler(opts)
		}
	}
	return func(c *fiber.Ctx) error {
		list := c.Query("lang")
		fromQuery := list != ""
		if !fromQuery {
			list = string(c.Request().Header.Peek(fiber.HeaderAcceptLanguage))
		}
		byLang := handlers[a.cfg.Banner.DefaultVariant]
		if a.cfg.Banner.Variant != nil && len(handlers) > 1 {
			if hs, ok := handlers[a.cfg.Banner.Variant(c)]; ok {
				byLang = hs
			}
		}
		h, ok := byLang[a.Language(list)]
		if !ok {
			h = byLang[a.cfg.Banner.Default]
		}
		err := h(c)
		if !fromQuery {
			c.Vary(fiber.HeaderAcceptLanguage)
		}
		return err
	}
}

// Language is the language whose copy of the script a list asks for.
func (a *Assets) Language(list string) string {
	if a.cfg.Banner.Pick != nil {
		if l := a.cfg.Banner.Pick(list); a.Scripts[l] != nil {
			return l
		}
	}
	return a.cfg.Banner.Default
}

// ServeOptions shape how an asset is served.
type ServeOptions struct {
	// Cache is the Cache-Control of requests without the current ?v=hash
	// (an old or missing hash still gets today's file, so a page cached with
	// an older URL keeps working). The current hash is cached for a year.
	Cache string
	// CrossOrigin makes the file readable and embeddable by other origins;
	// otherwise it is same-origin only.
	CrossOrigin bool
	// Version, if set, is the ?v= that makes the answer immutable instead
	// of the asset's own hash: for files requested by a version that names
	// several of them. Default "".
	Version string
	// Private keeps the immutable answer out of shared caches too, for a
	// file whose content depends on more than its URL. Default false.
	Private bool
}

// Handler serves the asset in the best encoding the client accepts, with a
// per-encoding ETag and 304s.
func (as *Asset) Handler(o ServeOptions) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if as.lazy {
			as.once.Do(func() {
				if as.compress() != nil { // writers into memory: cannot fail
					as.Gzip, as.Brotli = nil, nil
				}
			})
		}
		h := &c.Response().Header
		want := as.Hash
		if o.Version != "" {
			want = o.Version
		}
		if string(c.Request().URI().QueryArgs().Peek("v")) == want {
			if o.Private {
				h.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
			} else {
				h.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
			}
		} else {
			h.Set(fiber.HeaderCacheControl, o.Cache)
		}
		c.Vary(fiber.HeaderAcceptEncoding) // added to, not set: a caller may vary by more
		h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		if o.CrossOrigin {
			h.Set(fiber.HeaderAccessControlAllowOrigin, "*")
			h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		} else {
			h.Set("Cross-Origin-Resource-Policy", "same-origin")
		}
		enc := negotiate(string(c.Request().Header.Peek(fiber.HeaderAcceptEncoding)))
		h.Set(fiber.HeaderETag, etag(as.Hash, enc))
		if inm := c.Request().Header.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 && etagMatch(string(inm), as.Hash) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		h.Set(fiber.HeaderContentType, as.ContentType)
		switch {
		case enc == encBrotli && as.Brotli != nil:
			h.Set(fiber.HeaderContentEncoding, "br")
			return c.Send(as.Brotli)
		case enc == encGzip && as.Gzip != nil:
			h.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(as.Gzip)
		}
		return c.Send(as.Raw)
	}
}
