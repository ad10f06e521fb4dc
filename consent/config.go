package consent

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/static"
	"github.com/consentproxy/consentproxy/static/i18n"
	"github.com/consentproxy/consentproxy/web"
)

// Banner modes. In basic mode gtag.js loads only once analytics is granted;
// in advanced mode it always loads, with Consent Mode defaults denied.
const (
	ModeBasic    = "basic"
	ModeAdvanced = "advanced"
)

// Defaults of the banner settings on Handlers.
const (
	DefaultPrivacyURL = "/privacy"
)

// BannerConfig is GET /consent/config.json: everything the banner needs,
// in one language, so site owners change the banner without touching the
// script. The script carries the config of one language inside
// (static.Banner); the preferences modal's categories are the texts
// necessary, analytics and marketing, with their _desc.
type BannerConfig struct {
	Lang      string   `json:"lang"`
	Languages []string `json:"languages"`
	Revision  string   `json:"revision"`
	Mode      string   `json:"mode"`
	// ExpiryDays is how long a choice, accept or reject, is kept before the
	// banner asks again: the consent cookie's lifetime, rounded up.
	ExpiryDays            int               `json:"expiry_days"`
	HonorGPC              bool              `json:"honor_gpc"`
	HonorDNT              bool              `json:"honor_dnt"`
	AllowOptInOverSignals bool              `json:"allow_opt_in_over_signals"`
	PrivacyURL            string            `json:"privacy_url"`
	Texts                 map[string]string `json:"texts"`
}

// BannerJurisdiction is the script's "jurisdiction" setting, one per
// jurisdiction (static.Banner.Variants), and GET /consent's: the model the
// banner follows where the visitor is.
type BannerJurisdiction struct {
	Group     string `json:"group"`
	Model     string `json:"model"`
	Marketing bool   `json:"marketing"`
	// ReaskDays is how long a refusal is kept before the banner asks
	// again, rounded up to days.
	ReaskDays int `json:"reask_days"`
	// Strict are the opt-in places, for Consent Mode's region-specific
	// denied defaults where this model grants by default: should Google
	// place the visitor in one of them, its tag stays denied. Only the
	// script has them.
	Strict []string `json:"strict,omitempty"`
}

func (h *Handlers) bannerJurisdiction(j Jurisdiction, strict bool) BannerJurisdiction {
	day := 24 * time.Hour
	b := BannerJurisdiction{Group: j.Group, Model: j.Model.String(), Marketing: j.Marketing,
		ReaskDays: int((j.Reask + day - 1) / day)}
	if strict && j.Model.Measures() {
		b.Strict = h.Regions.OptInPlaces()
	}
	return b
}

// Validate reports settings that Register would replace by their defaults
// (an unknown mode, an unsafe privacy URL, texts Merge refuses), so that
// --check-config can refuse them instead.
func (h *Handlers) Validate() error {
	var errs []error
	if h.Codec == nil {
		errs = append(errs, errors.New("consent handlers: no codec"))
	}
	if h.Revision != "" && !ValidRevision(h.Revision) {
		errs = append(errs, fmt.Errorf("policy revision %q: want 1-32 of A-Z a-z 0-9 _ -", h.Revision))
	}
	if h.Mode != "" && h.Mode != ModeBasic && h.Mode != ModeAdvanced {
		errs = append(errs, fmt.Errorf("banner mode %q: want basic or advanced", h.Mode))
	}
	if h.PrivacyURL != "" && !validLinkURL(h.PrivacyURL) {
		errs = append(errs, fmt.Errorf("privacy url %q: want an http(s) URL or a path starting with /", h.PrivacyURL))
	}
	if _, err := i18n.Merge(i18n.Builtin(), h.Texts); err != nil {
		errs = append(errs, err)
	}
	if h.PostBurst < 0 {
		errs = append(errs, fmt.Errorf("consent post burst %d: must not be negative", h.PostBurst))
	}
	return errors.Join(errs...)
}

// validLinkURL accepts what may safely become an href: an absolute http(s)
// URL or a path on the site. Never javascript: or data:.
func validLinkURL(s string) bool {
	if len(s) > 2048 || strings.ContainsAny(s, " \t\r\n\\") {
		return false
	}
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// prepare fills defaults and renders config.json once per language: it is
// on every page view's path, and its content only changes with a restart.
func (h *Handlers) prepare() {
	if h.Revision == "" || !ValidRevision(h.Revision) {
		h.Revision = "1"
	}
	if h.Origins == nil {
		h.Origins = web.NewOrigins(nil)
	}
	h.policy = Policy{HonorGPC: true, HonorDNT: true}
	if h.Policy != nil {
		h.policy = *h.Policy
	}
	h.mode = ModeBasic
	if h.Mode == ModeAdvanced {
		h.mode = ModeAdvanced
	}
	h.privacyURL = DefaultPrivacyURL
	if h.PrivacyURL != "" && validLinkURL(h.PrivacyURL) {
		h.privacyURL = h.PrivacyURL
	}
	var err error
	if h.texts, err = i18n.Merge(i18n.Builtin(), h.Texts); err != nil {
		h.texts = i18n.Builtin()
	}
	h.configs = map[string]*static.Asset{}
	h.configHandlers = map[string]fiber.Handler{}
	all := sha256.New()
	for _, lang := range h.texts.Languages() { // sorted
		b, _ := json.Marshal(h.bannerConfig(lang))                                                // maps and strings: cannot fail
		as, _ := static.NewAsset("/consent/config.json", fiber.MIMEApplicationJSONCharsetUTF8, b) // compresses in memory: cannot fail
		h.configs[lang] = as
		all.Write([]byte(lang + "\x00" + as.Hash + "\x00"))
	}
	h.configVersion = base64.RawURLEncoding.EncodeToString(all.Sum(nil)[:9])
	for lang, as := range h.configs {
		// Revalidated on every page view (a 304 while nothing changed)
		// unless asked for by the version the script was built with,
		// which changes whenever any language's config does.
		h.configHandlers[lang] = as.Handler(static.ServeOptions{Cache: "no-cache", Version: h.configVersion})
	}
	h.page = newOptOutPage()
	h.staff = newStaffPage()
	h.refused = &postCounters{}
	perMinute, burst := h.PostsPerMinute, h.PostBurst
	if perMinute == 0 {
		perMinute = DefaultPostsPerMinute
	}
	if burst <= 0 {
		burst = DefaultPostBurst
	}
	if perMinute > 0 {
		h.limiter = web.NewIPLimiter(float64(perMinute)/60, burst)
		h.retryAfter = strconv.Itoa((60 + perMinute - 1) / perMinute) // one choice refills
	}
}

// Banner is what the banner's script is built with (static.New): every
// language's config.json and their version. Call it after Register.
func (h *Handlers) Banner() static.Banner {
	configs := map[string][]byte{}
	for lang, as := range h.configs {
		configs[lang] = as.Raw
	}
	b := static.Banner{Configs: configs, Version: h.configVersion, Default: i18n.Default, Pick: h.texts.Pick,
		Variants: map[string][]byte{}, DefaultVariant: GroupUnknown}
	all := h.Regions.All()
	if h.Region == nil {
		all = all[len(all)-1:] // nobody's place is known: only "unknown"
	}
	for _, j := range all {
		b.Variants[j.Group], _ = json.Marshal(h.bannerJurisdiction(j, true)) // strings and numbers: cannot fail
	}
	if len(b.Variants) > 1 {
		b.Variant = func(c *fiber.Ctx) string { return h.Jurisdiction(c).Group }
	}
	return b
}

func (h *Handlers) expiryDays() int {
	day := 24 * time.Hour
	if h.Codec == nil {
		return 182
	}
	return int((h.Codec.MaxAge() + day - 1) / day)
}

func (h *Handlers) bannerConfig(lang string) BannerConfig {
	if _, ok := h.texts[lang]; !ok {
		lang = i18n.Default
	}
	t := h.texts.For(lang)
	texts := map[string]string{}
	for k, v := range t {
		// The opt-out page's texts stay on the server.
		if !strings.HasPrefix(k, "optout_") && !strings.HasPrefix(k, "state_") {
			texts[k] = v
		}
	}
	return BannerConfig{
		Lang:                  lang,
		Languages:             h.texts.Languages(),
		Revision:              h.Revision,
		Mode:                  h.mode,
		ExpiryDays:            h.expiryDays(),
		HonorGPC:              h.policy.HonorGPC,
		HonorDNT:              h.policy.HonorDNT,
		AllowOptInOverSignals: h.AllowOptInOverSignals,
		PrivacyURL:            h.privacyURL,
		Texts:                 texts,
	}
}

// lang picks the visitor's language: the ?lang= list the banner sends
// (data-lang, <html lang>, navigator.language), else Accept-Language.
func (h *Handlers) lang(c *fiber.Ctx) (lang string, fromQuery bool) {
	if q := c.Query("lang"); q != "" {
		return h.texts.Pick(q), true
	}
	return h.texts.Pick(string(c.Request().Header.Peek(fiber.HeaderAcceptLanguage))), false
}

// config serves config.json, compressed. The banner asks for it only when
// the page's language is not the one its script was built with.
func (h *Handlers) config(c *fiber.Ctx) error {
	lang, fromQuery := h.lang(c)
	if !fromQuery {
		c.Vary(fiber.HeaderAcceptLanguage)
	}
	c.Set(fiber.HeaderContentLanguage, lang)
	return h.configHandlers[lang](c)
}
