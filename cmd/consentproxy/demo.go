package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/demo"
	"github.com/consentproxy/consentproxy/dims"
	"github.com/consentproxy/consentproxy/static"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/web"
)

// startDemo starts the stand-in for Google on loopback and points both
// upstreams at it, before anything reads them.
func (m *Main) startDemo() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: listen for the stand-in Google: %w", err)
	}
	m.Google = demo.NewGoogle(m.Config.MeasurementIDs)
	m.Google.Start(ln)
	m.Config.GAUpstream, m.Config.GTMUpstream = m.Google.URL(), m.Google.URL()
	if len(m.Config.Goals) == 0 && len(m.Config.Funnels) == 0 {
		m.Config.Goals, m.Config.Funnels = demoGoals()
	}
	return nil
}

// demoGoals are the demo shop's goals and funnel, set when --demo runs
// without --goals and --funnels (startDemo runs before the aggregator is
// built, and the generated history is counted with them too): a product
// page viewed, the checkout reached, and the two in that order.
func demoGoals() ([]aggregate.Goal, []aggregate.Funnel) {
	return []aggregate.Goal{
			{Name: "checkout", Page: "/demo/checkout"},
			{Name: "product", Page: "/demo/products/*"},
		}, []aggregate.Funnel{
			{Name: "buy", Steps: []string{"product", "checkout"}},
		}
}

// demoHistoryDays of generated history fill the dashboard in demo mode.
const demoHistoryDays = 7

// fillHistory writes generated history for the first measurement id once
// per data directory (a marker file remembers it): the days before today
// and today's hours before the current one, each day through an
// aggregator of its own whose clock is that day, into the real store.
func (m *Main) fillHistory(ctx context.Context) {
	marker := filepath.Join(m.Config.DataDir, "demo-history")
	if _, err := os.Stat(marker); err == nil {
		return
	}
	end := time.Now().UTC().Truncate(time.Hour)
	n, err := m.writeHistory(ctx, end.Truncate(24*time.Hour).AddDate(0, 0, -demoHistoryDays), end)
	if err != nil {
		if ctx.Err() == nil {
			m.Logger.Warn("demo history not written", "err", err)
		}
		return
	}
	if err := os.WriteFile(marker, []byte(end.Format(time.RFC3339)+"\n"), 0o600); err != nil {
		m.Logger.Warn("demo history marker", "err", err)
	}
	m.Logger.Info("demo history written", "days", demoHistoryDays, "observations", n)
}

// writeHistory writes the generated observations in [from, end) and
// returns how many there were.
func (m *Main) writeHistory(ctx context.Context, from, end time.Time) (int, error) {
	cfg := m.Config
	h := demo.History{Site: cfg.MeasurementIDs[0], Origin: m.URL(), Agents: uaparse.New(0)}
	total := 0
	for day := from; day.Before(end); day = day.AddDate(0, 0, 1) {
		clock := day
		a, err := aggregate.New(aggregate.Config{Secret: cfg.Secret, CountWithoutConsent: cfg.CountWithoutConsent,
			Channels: dims.Options{AIChannel: cfg.AIChannel}, Goals: cfg.Goals, Funnels: cfg.Funnels, Properties: cfg.Properties, PageCountries: cfg.PageCountries,
			Now: func() time.Time { return clock }})
		if err != nil {
			return total, err
		}
		h.Day(day, func(o *consentproxy.Observation) {
			if o.Time.Before(end) {
				a.Record(o)
				total++
			}
		}, func(outcome string, at time.Time) {
			if at.Before(end) {
				clock = at
				a.RecordChoice(h.Site, cfg.Revision, outcome, consentproxy.JurisdictionUnknown)
			}
		})
		clock = day.Add(26 * time.Hour) // every visit of the day has ended
		if err := m.Store.Write(ctx, a.Collect()); err != nil {
			return total, fmt.Errorf("write %s: %w", day.Format(time.DateOnly), err)
		}
	}
	return total, nil
}

// signInName is the sign-in link's token name, in logs and metrics.
const signInName = "sign-in link"

// signInLink makes the one-time sign-in of a proxy without a tokens file:
// a random code, held in memory only, that the dashboard takes once.
func signInLink() (code string, set *apitoken.Set, err error) {
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("sign-in link: %w", err)
	}
	code = base64.RawURLEncoding.EncodeToString(raw[:])
	set, err = apitoken.Parse([]byte("tokens:\n  - name: " + signInName + "\n    token: " + code + "\n    sites: [\"*\"]\n"))
	return code, set, err
}

// URL is where browsers reach the proxy: --public-url, else the listen
// address with localhost for an unspecified or loopback host.
func (m *Main) URL() string {
	if m.Config.PublicURL != "" {
		return strings.TrimSuffix(m.Config.PublicURL, "/")
	}
	host, port, err := net.SplitHostPort(m.Addr())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// OpenURL is the one URL start-up prints: the landing page, with the
// sign-in link's fragment when there is one.
func (m *Main) OpenURL() string {
	u := m.URL() + "/"
	if m.signInCode != "" {
		u += "#signin=" + m.signInCode
	}
	return u
}

// buildVersion is set at release builds (-ldflags "-X
// main.buildVersion=v1.2.3": .goreleaser.yaml, the Dockerfile).
var buildVersion string

// version is buildVersion, else the module version and VCS revision the
// Go toolchain recorded ("(devel)" for a build from a checkout).
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// storeWhere names the store and where its data lives, without
// credentials: the chDB directory, or the ClickHouse host and database.
func (m *Main) storeWhere() string {
	s := m.Config.Store
	if s == "none" {
		return "none (nothing is stored; realtime only)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "invalid"
	}
	switch u.Scheme {
	case "chdb":
		p, _ := filepath.Abs(u.Host + u.Path)
		return "embedded ClickHouse (chDB) in " + p
	default:
		db := strings.TrimPrefix(u.Path, "/")
		if db == "" {
			db = "consentproxy"
		}
		where := "ClickHouse at " + u.Host + ", database " + db
		if m.Config.ClickHouseCluster != "" {
			where += ", cluster " + m.Config.ClickHouseCluster
		}
		return where
	}
}

// notes are what an operator should know at start: valid settings that
// are unusual or not meant for production.
func (m *Main) notes() []string {
	cfg := m.Config
	var out []string
	out = append(out, cfg.warnings...)
	if cfg.Demo {
		out = append(out, "Demo mode: a stand-in for Google at "+m.Google.URL()+" receives the forwarded hits, "+
			"/demo/ is a demo shop and /demo/google.json shows what reached the stand-in; not for production.")
	}
	if cfg.APITokens == nil {
		if m.signInCode != "" {
			out = append(out, "No --api-tokens file: the API refuses bearer tokens, and the dashboard opens once with the "+
				"sign-in link printed at start (valid for an hour). Lasting access: consentproxy token create.")
		} else {
			out = append(out, "No --api-tokens file: the API and the dashboard refuse everyone.")
		}
	}
	if cfg.secretSource == "generated" {
		out = append(out, "The signing secret is generated in "+filepath.Join(cfg.DataDir, "secret")+": keep that file "+
			"(losing it ends every stored consent), and give every instance the same --secret.")
	}
	return out
}

// registerLanding serves "/": the configuration summary and the links.
func (m *Main) registerLanding() error {
	cfg := m.Config
	yes := func(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }
	// The page is public: it names kinds, never paths, hosts or files
	// (the start-up line has those).
	api := "off (no store)"
	switch {
	case m.Store != nil && cfg.APITokens != nil:
		api = "API tokens from a file"
	case m.Store != nil:
		api = "one-time sign-in link only (no --api-tokens)"
	}
	store := map[string]string{"chdb": "embedded ClickHouse (chDB)", "clickhouse": "ClickHouse server", "none": "none (realtime only)"}[m.StoreKind()]
	if cfg.ClickHouseCluster != "" {
		store = "ClickHouse cluster"
	}
	publicURL := cmp.Or(cfg.PublicURL, "not set (--public-url)")
	if cfg.Demo {
		publicURL = m.URL()
	}
	l := web.Landing{
		Version: version(),
		Settings: [][2]string{
			{"Measurement ids", strings.Join(cfg.MeasurementIDs, ", ")},
			{"Public URL", publicURL},
			{"Store", store},
			{"Banner mode", cfg.BannerMode},
			{"Honours GPC / DNT", yes(cfg.HonorGPC) + " / " + yes(cfg.HonorDNT)},
			{"IP sent to Google", cfg.IPMode.String()},
			{"Policy revision", cfg.Revision},
			{"Marketing API", api},
		},
	}
	if cfg.Demo {
		// Only the demo, on a machine of one's own, shows the notes (they
		// name the data directory and the stand-in's address).
		l.Notes = m.notes()
		l.Settings = append(l.Settings, [2]string{"Forwarding to", "the stand-in for Google at " + m.Google.URL()})
		l.Links = append(l.Links, [2]string{"Demo shop, with the banner", demo.Path})
	}
	if m.Store != nil {
		l.Links = append(l.Links, [2]string{"Dashboard", web.DashboardPath})
	}
	l.Links = append(l.Links, [2]string{"Privacy notice", static.NoticePath}, [2]string{"Health", "/healthz"},
		[2]string{"Readiness", "/readyz"})
	h, err := l.Handler()
	if err != nil {
		return fmt.Errorf("landing page: %w", err)
	}
	m.App.Get("/", h)
	if cfg.Demo {
		(&demo.Site{MeasurementID: cfg.MeasurementIDs[0], Google: m.Google}).Register(m.App)
	}
	return nil
}

// logStart says what runs and where, and what deserves a look.
func (m *Main) logStart() {
	cfg := m.Config
	dataDir, _ := filepath.Abs(cfg.DataDir)
	m.Logger.Info("listening", "url", m.URL(), "addr", m.Addr(), "metrics_addr", m.MetricsAddr(),
		"store", m.StoreKind(), "where", m.storeWhere(), "data_dir", dataDir,
		"measurement_ids", strings.Join(cfg.MeasurementIDs, ","), "demo", cfg.Demo, "version", version())
	for _, n := range m.notes() {
		m.Logger.Warn(n)
	}
}
