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

// Category is one line of the preferences modal.
type Category struct {
	ID          string `json:"id"`
	Required    bool   `json:"required"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// BannerConfig is GET /consent/config.json: everything the banner needs,
// in one language, so site owners change the banner without touching the
// script.
type BannerConfig struct {
	Version   int      `json:"version"`
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
	Categories            []Category        `json:"categories"`
	Texts                 map[string]string `json:"texts"`
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
	h.configs = map[string]cachedJSON{}
	for _, lang := range h.texts.Languages() {
		b, _ := json.Marshal(h.bannerConfig(lang)) // maps and strings: cannot fail
		sum := sha256.Sum256(b)
		h.configs[lang] = cachedJSON{body: b, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
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

type cachedJSON struct {
	body []byte
	etag string
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
		Version:               1,
		Lang:                  lang,
		Languages:             h.texts.Languages(),
		Revision:              h.Revision,
		Mode:                  h.mode,
		ExpiryDays:            h.expiryDays(),
		HonorGPC:              h.policy.HonorGPC,
		HonorDNT:              h.policy.HonorDNT,
		AllowOptInOverSignals: h.AllowOptInOverSignals,
		PrivacyURL:            h.privacyURL,
		Categories: []Category{
			{ID: "necessary", Required: true, Title: t["necessary"], Description: t["necessary_desc"]},
			{ID: "analytics", Title: t["analytics"], Description: t["analytics_desc"]},
			{ID: "marketing", Title: t["marketing"], Description: t["marketing_desc"]},
		},
		Texts: texts,
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

func (h *Handlers) config(c *fiber.Ctx) error {
	lang, fromQuery := h.lang(c)
	cj := h.configs[lang]
	// Revalidated on every page view (a 304 while nothing changed), so a
	// policy revision asks every returning visitor again at once.
	c.Set(fiber.HeaderCacheControl, "no-cache")
	if !fromQuery {
		c.Vary(fiber.HeaderAcceptLanguage)
	}
	c.Set(fiber.HeaderETag, cj.etag)
	if inm := string(c.Request().Header.Peek(fiber.HeaderIfNoneMatch)); inm != "" && web.ETagMatch(inm, cj.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(cj.body)
}
