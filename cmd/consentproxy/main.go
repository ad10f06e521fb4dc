// Command consentproxy runs the first-party GA4 proxy: see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without os.Exit, so tests can drive every exit path.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "migrate":
			return runMigrate(args[1:], stdout, stderr)
		case "privacy-notice":
			return runPrivacyNotice(args[1:], stdout, stderr)
		case "token":
			return runToken(args[1:], stdout, stderr)
		case "healthcheck":
			return runHealthcheck(args[1:], stdout, stderr)
		case "version", "--version":
			fmt.Fprintln(stdout, "consentproxy", version())
			return 0
		}
	}
	m := NewMain()
	cfg, code, ok := m.ParseFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	m.Config = cfg
	m.Logger = newLogger(stderr, cfg)
	// Process-wide, so here and not in Main.Run: tests run many Mains in
	// one process. Until the store is open, the outside is a guess.
	ownLimit := os.Getenv("GOMEMLIMIT") == ""
	if ownLimit {
		debug.SetMemoryLimit(goMemoryLimit(cfg.MemoryLimit, cfg.MemoryLimit/8))
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		m.Logger.Error("start", "err", err)
		m.Close(context.Background())
		return 1
	}
	if outside, measured := residentOutsideGo(); ownLimit && measured {
		limit := goMemoryLimit(cfg.MemoryLimit, outside)
		debug.SetMemoryLimit(limit)
		lvl := slog.LevelDebug
		if limit > cfg.MemoryLimit-outside-cfg.MemoryLimit/16 {
			// The floor won: the binary and its C libraries alone hold
			// more than the budget leaves them (chDB maps hundreds of MiB).
			lvl = slog.LevelWarn
		}
		m.Logger.Log(ctx, lvl, "memory budget", "budget_mib", cfg.MemoryLimit>>20,
			"outside_go_mib", outside>>20, "go_limit_mib", limit>>20)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if err := m.ReloadTokens(); err != nil {
				// Not the error itself: a YAML error can quote a line of
				// the file, a token included. --check-config shows it.
				m.Logger.Error("reload api tokens failed; the previous ones stay in force (run --check-config to see why)")
			} else {
				m.Logger.Info("api tokens reloaded")
			}
		}
	}()
	m.logStart()
	if m.signInCode != "" || cfg.Demo {
		// The one URL a newcomer needs, on its own line.
		fmt.Fprintln(stdout, "consentproxy is ready: open "+m.OpenURL())
	}
	serveErr := m.Wait(ctx)
	stop()
	if serveErr != nil {
		m.Logger.Error("stopped serving", "err", serveErr)
	}

	// A second signal forces the exit; the first drains.
	force := make(chan os.Signal, 1)
	signal.Notify(force, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-force
		m.Logger.Warn("second signal: exiting without draining")
		os.Exit(2)
	}()
	m.Logger.Info("shutting down", "drain_timeout", cfg.DrainTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancel()
	if err := m.Close(sctx); err != nil {
		m.Logger.Error("shutdown", "err", err)
		return 1
	}
	if serveErr != nil {
		return 1
	}
	m.Logger.Info("stopped")
	return 0
}

// ReloadTokens reads the --api-tokens file again (SIGHUP does it): a token
// removed, rotated or narrowed stops opening the API and ends the dashboard
// sessions made with it at once. A file that does not load changes nothing.
func (m *Main) ReloadTokens() error {
	if m.Config.APITokens == nil || m.Config.apiTokensPath == "" {
		return errors.New("no --api-tokens file to reload")
	}
	if err := m.Config.APITokens.Reload(m.Config.apiTokensPath); err != nil {
		return fmt.Errorf("api tokens: %w", err)
	}
	return nil
}

// ParseFlags reads flags, environment and YAML into a validated Config. ok is
// false when the process should exit with code (help, --check-config, errors).
func (m *Main) ParseFlags(args []string, stdout, stderr io.Writer) (cfg Config, code int, ok bool) {
	r := newRawConfig()
	r.fs.SetOutput(stderr)
	if err := r.parse(args, os.LookupEnv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, 0, false
		}
		fmt.Fprintln(stderr, "consentproxy:", err)
		if r.check {
			return cfg, 1, false // --check-config answers 0 or 1
		}
		return cfg, 2, false
	}
	cfg, errs := r.validate()
	if len(errs) > 0 {
		fmt.Fprintln(stderr, "consentproxy: invalid configuration:")
		for _, e := range errs {
			fmt.Fprintln(stderr, "  "+e)
		}
		return cfg, 1, false
	}
	if r.check {
		// A running proxy logs them as WARN records at start (notes), so
		// that its stderr stays one log record per line.
		for _, w := range cfg.warnings {
			fmt.Fprintln(stderr, "consentproxy: warning: "+w)
		}
		m.Config = cfg
		if !m.reportSchema(stdout, stderr) {
			return cfg, 1, false
		}
		fmt.Fprintln(stdout, "configuration ok")
		return cfg, 0, false
	}
	return cfg, 0, true
}

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	level, _ := parseLevel(cfg.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("want debug, info, warn or error, got %q", s)
	}
	return l, nil
}
