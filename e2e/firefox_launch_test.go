package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Launching Firefox ESR for TestFirefox: the profile's prefs, the process,
// the BiDi session on it. No geckodriver: Firefox serves WebDriver BiDi
// itself once started with --remote-debugging-port.

// firefoxPath finds Debian's firefox-esr, or $CONSENTPROXY_FIREFOX.
func firefoxPath(t testing.TB) string { return browserPath(t, "CONSENTPROXY_FIREFOX", "firefox-esr") }

// firefox is one headless Firefox on a throwaway profile, and its session.
type firefox struct {
	*bidi
	Version string // browserVersion of the session
	cmd     *exec.Cmd
	done    chan struct{}
	stderr  *syncBuffer
	addr    chan string // BiDi's ws:// address, once Firefox says it

	mu      sync.Mutex
	console map[string][]string // log.entryAdded by browsing context
}

// bidiListening is the line Firefox prints once BiDi accepts connections.
var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// launchFirefox starts Firefox with prefs written to a fresh profile's
// user.js; connect then opens the session. Cleanup ends it. In two steps
// so that a test can do something else while Firefox starts up.
func launchFirefox(t testing.TB, bin string, prefs map[string]any) *firefox {
	t.Helper()
	profile := t.TempDir()
	if err := os.WriteFile(filepath.Join(profile, "user.js"), firefoxUserJS(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &firefox{stderr: &syncBuffer{}, done: make(chan struct{}), console: map[string][]string{}}
	// --remote-allow-origins: x/net/websocket always sends an Origin, and
	// Firefox refuses any origin it was not told to allow.
	f.cmd = exec.Command(bin, "--headless", "--no-remote", "--new-instance", "--profile", profile,
		"--remote-debugging-port", "0", "--remote-allow-origins", bidiOrigin)
	// MOZ_DISABLE_NONLOCAL_CONNECTIONS: nothing but loopback (the test's
	// web) can be reached even if a pref below misses a feature, and it is
	// what lets services.settings.server point remote settings nowhere.
	f.cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_DISABLE_NONLOCAL_CONNECTIONS=1")
	orphanProof(f.cmd)
	pr, pw := io.Pipe()
	f.cmd.Stdout = f.stderr
	f.cmd.Stderr = io.MultiWriter(f.stderr, pw)
	if err := f.cmd.Start(); err != nil {
		t.Fatalf("start firefox: %v", err)
	}
	go func() {
		f.cmd.Wait()
		pw.Close()
		close(f.done)
	}()
	t.Cleanup(f.stop)
	f.addr = make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := bidiListening.FindStringSubmatch(sc.Text()); m != nil {
				f.addr <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	return f
}

// connect waits until Firefox listens, opens a session that accepts the
// test's self-signed certificate, and listens to the pages' console.
func (f *firefox) connect(t testing.TB, ctx context.Context) {
	t.Helper()
	var ws string
	select {
	case ws = <-f.addr:
	case <-f.done:
		t.Fatalf("firefox exited before listening (%s):\n%s", f.cmd.ProcessState, f.stderr)
	case <-ctx.Done():
		t.Fatalf("firefox not listening: %v\n%s", ctx.Err(), f.stderr)
	}
	b, err := dialBiDi(ctx, ws+"/session", f.event)
	if err != nil {
		t.Fatalf("firefox: %v\n%s", err, f.stderr)
	}
	f.bidi = b
	if f.Version, err = b.newSession(ctx); err != nil {
		t.Fatalf("firefox: %v", err)
	}
	if err := b.call(ctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		t.Fatalf("firefox: %v", err)
	}
}

// firefoxUserJS renders prefs as a profile's user.js, which Firefox reads before
// it does anything, so no pref comes too late for a request at start-up.
func firefoxUserJS(prefs map[string]any) []byte {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(prefs)) {
		j, _ := json.Marshal(prefs[k]) // strings, numbers and booleans: JSON is the pref syntax
		fmt.Fprintf(&b, "user_pref(%q, %s);\n", k, j)
	}
	return []byte(b.String())
}

// event keeps the pages' console errors and warnings for failure messages.
func (f *firefox) event(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e struct {
		Level, Text, Type string
		Source            struct{ Context string }
		StackTrace        *struct {
			CallFrames []struct {
				URL        string `json:"url"`
				LineNumber int    `json:"lineNumber"`
			} `json:"callFrames"`
		} `json:"stackTrace"`
	}
	if json.Unmarshal(params, &e) != nil || e.Level == "debug" || e.Level == "info" {
		return
	}
	line := e.Level + " " + e.Type + ": " + e.Text
	if e.StackTrace != nil && len(e.StackTrace.CallFrames) > 0 {
		c := e.StackTrace.CallFrames[0]
		line += fmt.Sprintf(" (%s:%d)", c.URL, c.LineNumber+1)
	}
	f.mu.Lock()
	f.console[e.Source.Context] = append(f.console[e.Source.Context], line)
	f.mu.Unlock()
}

// Console returns what the pages of a browsing context reported as wrong.
func (f *firefox) Console(context string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.console[context]...)
}

// stop asks Firefox to quit (browser.close, or SIGTERM without a session),
// and kills it if it takes more than 5 s. A clean quit ends the content
// processes too before the profile directory is removed.
func (f *firefox) stop() {
	if f.bidi != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		f.call(ctx, "browser.close", nil, nil) // the socket closes as it quits
		cancel()
		f.bidi.close()
	} else {
		f.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-f.done:
		return
	case <-time.After(5 * time.Second):
	}
	f.cmd.Process.Signal(syscall.SIGKILL)
	<-f.done
}

// firefoxPrefs make Firefox use the test's web as its only network, and
// keep it from talking to anyone on its own: every request it makes is
// one a page made, and a run needs no internet.
func firefoxPrefs(webAddr string) map[string]any {
	host, port, _ := net.SplitHostPort(webAddr)
	p, _ := strconv.Atoi(port)
	return map[string]any{
		// The web for HTTP and HTTPS, for every host, loopback included, and
		// never a direct connection when it fails.
		"network.proxy.type": 1, "network.proxy.http": host, "network.proxy.http_port": p,
		"network.proxy.ssl": host, "network.proxy.ssl_port": p,
		"network.proxy.no_proxies_on": "", "network.proxy.allow_hijacking_localhost": true,
		"network.proxy.failover_direct": false,
		// No DNS over HTTPS, no connectivity or captive-portal probes, nothing
		// fetched or resolved ahead of the page.
		"network.trr.mode": 5, "network.connectivity-service.enabled": false,
		"network.captive-portal-service.enabled": false, "network.dns.disablePrefetch": true,
		"network.prefetch-next": false, "network.http.speculative-parallel-limit": 0,
		// No telemetry, studies or experiments.
		"datareporting.policy.dataSubmissionEnabled": false, "datareporting.healthreport.uploadEnabled": false,
		"datareporting.usage.uploadEnabled": false, "toolkit.telemetry.enabled": false,
		"toolkit.telemetry.unified": false, "toolkit.telemetry.archive.enabled": false,
		"toolkit.telemetry.server": "data:,", "app.normandy.enabled": false,
		"app.shield.optoutstudies.enabled": false, "messaging-system.rsexperimentloader.enabled": false,
		// No updates of Firefox, its add-ons or search engines, no region lookup.
		"app.update.disabledForTesting": true, "app.update.auto": false, "extensions.update.enabled": false,
		"extensions.getAddons.cache.enabled": false, "extensions.systemAddon.update.enabled": false,
		"browser.search.update": false, "browser.region.update.enabled": false, "browser.region.network.url": "",
		// No remote settings (blocklists, CRLite, intermediates, experiments'
		// recipes), no Safe Browsing lists, no check on a certificate error
		// (the test's certificate is self-signed and accepted by the session).
		"services.settings.server":                        "data:,#remote-settings-dummy/v1",
		"security.remote_settings.crlite_filters.enabled": false, "security.remote_settings.intermediates.enabled": false,
		"browser.safebrowsing.malware.enabled": false, "browser.safebrowsing.phishing.enabled": false,
		"browser.safebrowsing.downloads.enabled": false, "browser.safebrowsing.provider.mozilla.updateURL": "",
		"browser.safebrowsing.provider.google4.updateURL": "", "browser.safebrowsing.provider.google.updateURL": "",
		"security.certerrors.mitm.priming.enabled": false, "security.OCSP.enabled": 0,
		// No media plugins: OpenH264 from Mozilla, Widevine from Google's
		// component updater (update.googleapis.com).
		"media.gmp-manager.url": "data:,", "media.gmp-manager.chromium-update-url": "data:,", "media.gmp-widevinecdm.enabled": false,
		"media.gmp-widevinecdm.visible": false, "media.gmp-widevinecdm.allow-chromium-update": false,
		"media.gmp-gmpopenh264.enabled": false,
		// A quiet and quicker start: no default-browser question, welcome
		// page, new-tab feed or its preloaded page (which session.new would
		// wait for: it waits for the browser's idle start-up tasks), no
		// session restore, no backups.
		"browser.shell.checkDefaultBrowser": false, "browser.startup.homepage_override.mstone": "ignore",
		"browser.startup.page": 0, "browser.startup.homepage": "about:blank", "startup.homepage_welcome_url": "",
		"datareporting.policy.firstRunURL": "", "browser.aboutwelcome.enabled": false,
		"browser.newtabpage.enabled": false, "browser.newtab.preload": false, "browser.newtabpage.activity-stream.feeds.telemetry": false,
		"browser.newtabpage.activity-stream.telemetry": false, "browser.sessionstore.resume_from_crash": false,
		"browser.backup.enabled": false,
		// The visitor the proxy and the screenshots expect: English, light.
		"intl.accept_languages": "en-US, en", "intl.locale.requested": "en-US",
		"layout.css.prefers-color-scheme.content-override": 1,
	}
}

// ffBrowser is one Firefox and the web it is pointed at.
type ffBrowser struct {
	*firefox
	web *web
}

func newFFBrowser(t *testing.T, bin string, prefs map[string]any) *ffBrowser {
	t.Helper()
	w := newWeb(t)
	all := firefoxPrefs(w.Addr())
	maps.Copy(all, prefs)
	start := time.Now()
	f := launchFirefox(t, bin, all)
	proxyBinary(t) // built once per run, while Firefox starts
	built := time.Since(start)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	f.connect(t, ctx)
	if _, err := f.addPreloadScript(ctx, "() => {\n"+string(readTestdata(t, "instrument.js"))+"\n}"); err != nil {
		t.Fatalf("preload instrument.js: %v", err)
	}
	t.Logf("Firefox %s ready in %s (of which %s waiting for the proxy binary)", f.Version,
		time.Since(start).Round(time.Millisecond), built.Round(time.Millisecond))
	return &ffBrowser{firefox: f, web: w}
}

// checkQuiet fails on any request Firefox sent that the test's servers did
// not serve: Firefox talking to the internet on its own, or a page
// reaching for another host.
func (b *ffBrowser) checkQuiet(t *testing.T) {
	t.Helper()
	if stray := b.web.Requests(0, func(r webRequest) bool { return !r.Routed }); len(stray) > 0 {
		var lines []string
		for _, r := range stray {
			lines = append(lines, r.Method+" "+r.URL())
		}
		t.Errorf("Firefox sent %d requests outside the test's servers (a pref in firefoxPrefs missing?):\n\t%s",
			len(stray), strings.Join(lines, "\n\t"))
	}
}
