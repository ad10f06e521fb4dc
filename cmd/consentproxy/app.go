package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/dashboard"
	"github.com/consentproxy/consentproxy/demo"
	"github.com/consentproxy/consentproxy/dims"
	"github.com/consentproxy/consentproxy/geoip"
	"github.com/consentproxy/consentproxy/proxy"
	"github.com/consentproxy/consentproxy/rollup"
	"github.com/consentproxy/consentproxy/static"
	"github.com/consentproxy/consentproxy/stats"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/web"
)

// Main is the program with its parts exposed, so tests boot the real thing
// on port :0 and inspect it.
type Main struct {
	Config Config
	Logger *slog.Logger

	App        *fiber.App
	Errors     *web.Errors
	Proxy      *proxy.Proxy
	Forwarder  *proxy.Forwarder
	Scripts    *proxy.Scripts
	Aggregator *aggregate.Aggregator
	Flusher    *aggregate.Flusher
	Store      consentproxy.Store
	Rollups    *rollup.Tracker // nil without a store
	Geo        *geoip.DB
	Google     *demo.Google // the stand-in for Google, with --demo only
	Stats      *stats.API   // the marketing API; nil without a store

	ln         net.Listener
	peers      *peerListener // ln, at most --max-conns-per-ip from one untrusted peer
	health     http.Handler  // /healthz and /readyz, also on the metrics listener
	conns      *connTracker
	metricsLn  net.Listener
	metricsSrv *http.Server
	background sync.WaitGroup
	stopBg     context.CancelFunc
	bg         context.Context // ends with stopBg
	signInCode string          // the one-time sign-in link's code, without --api-tokens
	serveErr   chan error      // a listener's failure, see Wait
	closing    atomic.Bool     // Close has begun: listeners stopping is no failure
}

// NewMain returns a Main with a quiet logger; ParseFlags or a test fills Config.
func NewMain() *Main {
	return &Main{Logger: slog.New(slog.DiscardHandler)}
}

// Addr is the address the server listens on (with the real port for ":0").
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// StoreKind names the store without its credentials.
func (m *Main) StoreKind() string {
	if m.Config.Store == "none" {
		return "none"
	}
	u, err := url.Parse(m.Config.Store)
	if err != nil {
		return "invalid"
	}
	return u.Scheme
}

// Run opens every part and starts serving in the background.
func (m *Main) Run(ctx context.Context) error {
	if m.Config.Secret == nil {
		secret, err := ensureSecret(m.Config.DataDir, m.Logger)
		if err != nil {
			return err
		}
		m.Config.Secret = secret
	}
	// Listen first, so that everything built below knows the real
	// address (":0" in tests): the landing page, the demo's page URLs.
	var err error
	if m.ln, err = net.Listen("tcp", m.Config.Listen); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if m.Config.Demo {
		if err := m.startDemo(); err != nil {
			return err
		}
	}
	cfg := m.Config
	codec, err := consent.NewCodec(append([][]byte{cfg.Secret}, cfg.OldSecrets...), cfg.ConsentMaxAge, nil)
	if err != nil {
		return fmt.Errorf("consent codec: %w", err)
	}
	// A refusal is honoured as long as the longest re-ask period promises.
	codec.SetRefusalMaxAge(cfg.Regions.LongestReask())
	if cfg.GeoIPDB != "" {
		if m.Geo, err = geoip.Open(cfg.GeoIPDB); err != nil {
			return fmt.Errorf("open geoip db: %w", err)
		}
	}
	if m.Store, err = m.openStore(ctx); err != nil {
		return err
	}
	if m.Store != nil {
		// Writes go through the tracker, which marks the days it must
		// roll up; queries read the rollups before its frontier.
		if m.Rollups, err = rollup.New(m.Store, rollup.Config{Retention: cfg.Retention, Logger: m.Logger}); err != nil {
			return err
		}
		m.Store = m.Rollups
	}
	acfg := aggregate.Config{Secret: cfg.Secret, CountWithoutConsent: cfg.CountWithoutConsent,
		Channels: dims.Options{AIChannel: cfg.AIChannel}, Goals: cfg.Goals, Funnels: cfg.Funnels, Properties: cfg.Properties, PageCountries: cfg.PageCountries}
	acfg.MaxVisitorHashes, acfg.MaxSessions, acfg.MaxKeys = memoryCaps(cfg.MemoryLimit)
	if m.Geo != nil {
		acfg.Geo = m.Geo
	}
	if m.Aggregator, err = aggregate.New(acfg); err != nil {
		return fmt.Errorf("aggregator: %w", err)
	}
	bg, stop := context.WithCancel(context.Background())
	m.stopBg, m.bg = stop, bg
	m.serveErr = make(chan error, 1)
	if m.Store != nil {
		m.Flusher, err = aggregate.NewFlusher(m.Aggregator, m.Store, aggregate.FlushConfig{
			Interval: cfg.FlushInterval,
			SpoolDir: filepath.Join(cfg.DataDir, "spool"),
			Logger:   m.Logger,
		})
		if err != nil {
			return fmt.Errorf("flusher: %w", err)
		}
		if err := m.Flusher.Replay(ctx); err != nil {
			// The spool stays on disk and is retried by the flusher.
			m.Logger.Warn("spool replay incomplete", "err", err)
		}
		m.goBackground(func() { m.Flusher.Run(bg) })
		m.goBackground(func() { m.retain(bg) })
		m.goBackground(func() { m.Rollups.Run(bg) })
		if cfg.Demo {
			m.goBackground(func() { m.fillHistory(bg) })
		}
	} else {
		// Without a store, aggregates still feed realtime; collecting keeps
		// their memory bounded.
		m.goBackground(func() { m.discard(bg) })
	}

	if m.Forwarder, err = proxy.NewForwarder(proxy.ForwarderConfig{
		Upstream: cfg.GAUpstream, TagUpstream: cfg.GTMUpstream, QueueSize: cfg.ForwardQueue, Workers: cfg.ForwardWorkers,
	}); err != nil {
		return err
	}
	if m.Scripts, err = proxy.NewScripts(proxy.ScriptConfig{Upstream: cfg.GTMUpstream, TTL: cfg.ScriptTTL}); err != nil {
		return err
	}
	origins := web.NewOrigins(cfg.AllowedOrigins)
	policy := consent.Policy{HonorDNT: cfg.HonorDNT, HonorGPC: cfg.HonorGPC, ConsentOverridesSignals: cfg.AllowOptInOverSignals}
	trust := web.NewTrust(cfg.TrustedProxies)
	if cfg.APITokens != nil {
		// Failed tokens are limited per client address, behind a proxy too.
		cfg.APITokens.Configure(apitoken.Options{ClientIP: trust.ClientIP})
	}
	agents := uaparse.New(0)
	hits := &hitCounter{next: m.Aggregator}
	var locator proxy.Locator
	if m.Geo != nil {
		locator = m.Geo
	}
	m.Proxy = proxy.New(proxy.Config{
		Now:            cfg.hitClock,
		MeasurementIDs: cfg.MeasurementIDs,
		Origins:        origins,
		Trust:          trust,
		CountryHeader:  cfg.CountryHeader,
		RegionHeader:   cfg.RegionHeader,
		Locator:        locator,
		Policy:         policy,
		Regions:        cfg.Regions,
		Codec:          codec,
		Revision:       cfg.Revision,
		CookieDomain:   cfg.CookieDomain,
		Minimizer: proxy.Minimizer{IPMode: cfg.IPMode, KeepURLParams: cfg.KeepURLParams, KeepUserParams: cfg.KeepUserParams,
			KeepSearchTerms: cfg.KeepSearchTerms, MaxValue: cfg.MaxValue},
		Limits:     proxy.Limits{MaxEvents: cfg.MaxEvents},
		DataLayers: cfg.DataLayers,
		Agents:     agents,
		Exclude:    exclusions(cfg),
		Recorder:   hits,
		Forwarder:  m.Forwarder,
		Scripts:    m.Scripts,
	})

	m.App, m.Errors = web.NewApp(web.Config{
		TrustedProxies: cfg.TrustedProxies,
		ReadBufferSize: cfg.ReadBuffer,
		BodyLimit:      cfg.MaxBody,
		MaxConns:       cfg.MaxConns,
		ReadTimeout:    cfg.ReadTimeout,
		WriteTimeout:   cfg.WriteTimeout,
		IdleTimeout:    cfg.IdleTimeout,
		Logger:         m.Logger,
	})
	m.conns = newConnTracker()
	m.App.Server().ConnState = m.conns.state
	m.goBackground(func() { m.shedConns(bg) })
	m.App.Use(web.Guard(), web.SecurityHeaders())
	m.health = web.Health(m.App, m.checks())
	limiter := web.NewIPLimiter(float64(cfg.CollectRate), cfg.CollectBurst)
	m.App.Use("/g/collect", limiter.Handler(trust))
	m.Proxy.Register(m.App)
	sites := map[string]bool{}
	for _, id := range cfg.MeasurementIDs {
		sites[id] = true
	}
	ch := &consent.Handlers{
		Codec: codec, Revision: cfg.Revision, CookieDomain: cfg.CookieDomain,
		Origins: origins, Sites: sites, Choice: m.Aggregator.RecordChoice, ClientIP: trust.ClientIP,
		Regions:               cfg.Regions,
		Policy:                &policy,
		AllowOptInOverSignals: cfg.AllowOptInOverSignals,
		Mode:                  cfg.BannerMode,
		PrivacyURL:            cfg.PrivacyURL,
		Texts:                 cfg.BannerTexts,
		StaffExclusion:        cfg.StaffExclusion,
	}
	if m.Proxy.Locates() {
		// The banner follows the place the proxy decides the hits by.
		ch.Region = m.Proxy.Region
	}
	if err := ch.Validate(); err != nil {
		return fmt.Errorf("consent settings: %w", err)
	}
	ch.Register(m.App)
	// The banner's script is built with the settings and texts the consent
	// handlers serve, one copy per language.
	assets, err := static.New(static.Config{Banner: ch.Banner()})
	if err != nil {
		return fmt.Errorf("build banner: %w", err)
	}
	assets.Register(m.App)
	api := &statusCounter{}
	m.App.Use("/api/", api.handler)
	m.App.Use("/dashboard", api.handler)
	if err := m.registerAPI(trust); err != nil {
		return err
	}
	if cfg.MetricsListen != "" {
		c := &collector{m: m, hits: hits, api: api, limiter: limiter, uaHits: agents.Stats, uaLength: agents.Len}
		if err := m.serveMetrics(c); err != nil {
			return fmt.Errorf("metrics listen: %w", err)
		}
	}
	if err := m.registerPrivacy(); err != nil {
		return err
	}
	if err := m.registerLanding(); err != nil {
		return err
	}

	m.peers = newPeerListener(m.ln, cfg.MaxConnsPerIP, trust.Trusted)
	go func() {
		err := m.App.Listener(m.peers)
		if err == nil {
			// fasthttp says nil for a closed listener too, not only
			// after Shutdown.
			err = errors.New("closed")
		}
		m.fail(fmt.Errorf("listener: %w", err))
	}()
	return nil
}

// fail reports that a listener stopped serving on its own; the first such
// error ends Wait. An error after shutdown began is the shutdown's own.
func (m *Main) fail(err error) {
	if m.closing.Load() {
		return
	}
	select {
	case m.serveErr <- err:
	default:
	}
}

// Wait blocks until ctx is done (nil) or a listener stops serving on its
// own (its error). Without it, a listener that failed after start left
// the process waiting for a signal with nothing served, and /healthz of a
// supervisor's probe went unanswered instead of the process exiting.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-m.serveErr:
		return err
	}
}

// registerAPI mounts the marketing API. Every request needs a bearer token
// from --api-tokens; without that file the API refuses everyone. CORS is
// off unless --api-cors-origins names the origins that may call it.
func (m *Main) registerAPI(trust *web.Trust) error {
	cfg := m.Config
	if m.Store == nil {
		return nil // --store none: nothing to query
	}
	cors := web.NewOrigins(cfg.APICORSOrigins)
	// The dashboard signs in with an API token and then speaks to the same
	// API through an HttpOnly session (plus a CSRF header).
	// Without a tokens file, a one-time sign-in link opens the dashboard
	// (not the API: the link is no bearer token).
	dcfg := dashboard.Config{Tokens: cfg.APITokens, Secret: cfg.Secret, Sites: cfg.MeasurementIDs}
	if cfg.APITokens == nil {
		code, set, err := signInLink()
		if err != nil {
			return err
		}
		set.Configure(apitoken.Options{ClientIP: trust.ClientIP})
		m.signInCode = code
		dcfg.Tokens, dcfg.OneTime, dcfg.OneTimeUntil = set, signInName, time.Now().Add(time.Hour)
	}
	dash, err := dashboard.New(dcfg)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	dash.Register(m.App)
	api, err := stats.New(stats.Config{
		Store:         m.Store,
		Rollups:       m.frontier,
		MinCount:      cfg.MinCount,
		Realtime:      m.Aggregator.Realtime,
		RealtimeTop:   m.Aggregator.RealtimeTop,
		Goals:         goalsOf(cfg),
		PageCountries: cfg.PageCountries,
		ReportNotes:   reportNotes(cfg),
		Authorize: func(c *fiber.Ctx, site string) error {
			// A session decides unless there is none; then the bearer token does.
			if err := dash.Authorize(c, site); consentproxy.ErrorCode(err) != consentproxy.EUNAUTH {
				return err
			}
			if cfg.APITokens == nil {
				return consentproxy.Errorf(consentproxy.EUNAUTH, "The API is not enabled: start the proxy with --api-tokens "+
					"(consentproxy token create makes a tokens file).")
			}
			return cfg.APITokens.Authorize(c, site)
		},
	})
	if err != nil {
		return fmt.Errorf("stats api: %w", err)
	}
	m.App.Use("/api/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		if origin := c.Request().Header.Peek(fiber.HeaderOrigin); cors.Allowed(origin) {
			c.Response().Header.SetBytesV(fiber.HeaderAccessControlAllowOrigin, origin)
			c.Set(fiber.HeaderVary, fiber.HeaderOrigin)
			if c.Method() == fiber.MethodOptions {
				c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST")
				c.Set(fiber.HeaderAccessControlAllowHeaders, "Authorization, Content-Type")
				c.Set(fiber.HeaderAccessControlMaxAge, "600")
				return c.SendStatus(fiber.StatusNoContent)
			}
		}
		return c.Next()
	})
	api.Register(m.App)
	m.Stats = api
	if cfg.ReportMail != nil {
		m.goBackground(func() { m.runReports(m.bg) })
	}
	return nil
}

// frontier is the time before which queries may read rollups.
func (m *Main) frontier() time.Time {
	if m.Rollups == nil {
		return time.Time{}
	}
	return m.Rollups.Frontier()
}

func (m *Main) goBackground(f func()) {
	m.background.Add(1)
	go func() {
		defer m.background.Done()
		f()
	}()
}

func (m *Main) checks() map[string]web.Check {
	checks := map[string]web.Check{
		"forwarder": func(context.Context) error {
			st := m.Forwarder.Stats()
			if st.QueueDepth >= m.Config.ForwardQueue {
				return errors.New("forward queue full")
			}
			return nil
		},
	}
	if m.Store != nil {
		checks["store"] = m.Store.Ping
	}
	if m.Flusher != nil {
		checks["spool"] = m.Flusher.SpoolCheck
	}
	return checks
}

// retain drops months older than the retention period, at start and hourly.
func (m *Main) retain(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := m.Store.DropBefore(dctx, time.Now().Add(-m.Config.Retention)); err != nil && ctx.Err() == nil {
			m.Logger.Warn("retention", "err", err)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *Main) discard(ctx context.Context) {
	t := time.NewTicker(m.Config.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.Aggregator.Collect()
		}
	}
}

// Close shuts down in order: stop taking requests, then drain the forward
// queue and write the last aggregates side by side within ctx's deadline,
// then close the store. ctx must be fresh (not the cancelled run context) so
// the final flush can still reach the store.
//
// Requests in progress get at most half of the time left; connections still
// open then (a client trickling its headers, or one that connected and sent
// nothing yet) are closed, so that they cannot spend the time the forward
// queue and the final flush need.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	m.closing.Store(true)
	if m.App != nil {
		hctx, cancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok {
			hctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
		}
		err := m.App.ShutdownWithContext(hctx)
		cancel()
		if err != nil && ctx.Err() == nil && m.conns != nil {
			n := m.conns.closeAll()
			m.Logger.Warn("connections still open at shutdown closed", "connections", n)
		} else if err != nil {
			errs = append(errs, fmt.Errorf("stop http: %w", err))
		}
	}
	if m.ln != nil && m.peers == nil {
		m.ln.Close() // Run failed before serving it (the App closes what it serves)
	}
	if m.metricsSrv != nil {
		if err := m.metricsSrv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop metrics: %w", err))
		}
	}
	if m.stopBg != nil {
		m.stopBg()
		m.background.Wait()
	}
	var wg sync.WaitGroup
	var fwdErr, flushErr error
	if m.Forwarder != nil {
		wg.Add(1)
		go func() { defer wg.Done(); fwdErr = m.Forwarder.Close(ctx) }()
	}
	if m.Flusher != nil {
		wg.Add(1)
		go func() { defer wg.Done(); flushErr = m.Flusher.Flush(ctx) }()
	}
	wg.Wait()
	if fwdErr != nil {
		errs = append(errs, fmt.Errorf("drain forward queue: %w", fwdErr))
	}
	if flushErr != nil {
		errs = append(errs, fmt.Errorf("final flush: %w", flushErr))
	}
	if m.Store != nil {
		if err := m.Store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
	}
	if m.Geo != nil {
		m.Geo.Close()
	}
	if m.Google != nil {
		m.Google.Close()
	}
	return errors.Join(errs...)
}

// shedConns makes room under pressure: four times a second, with more than
// 90% of --max-conns open, it closes connections idle for over a second,
// oldest first, down to 80%. Without it an idle flood from many addresses
// held every slot until --read-timeout, and /healthz answered 503.
func (m *Main) shedConns(ctx context.Context) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	high, target := m.Config.MaxConns*9/10, m.Config.MaxConns*8/10
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n := m.conns.shedIdle(high, target, time.Second); n > 0 {
				m.Logger.Warn("connections near --max-conns: idle ones closed", "closed", n, "max_conns", m.Config.MaxConns)
			}
		}
	}
}

// exclusions are the site owner's exclusion rules, from the flags.
func exclusions(cfg Config) proxy.Exclusions {
	x := proxy.Exclusions{IPs: cfg.ExcludeIPs, Staff: cfg.StaffExclusion}
	if cfg.ExcludeReferrerSpam {
		x.ReferrerSpam = dims.IsReferrerSpam
	}
	return x
}
