package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/consentproxy/consentproxy/consent"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/proxy"
)

// parseConfig runs the real parser and validator with a fake environment.
func parseConfig(t *testing.T, args []string, env map[string]string) (Config, []string, error) {
	t.Helper()
	r := newRawConfig()
	r.fs.SetOutput(io.Discard)
	if err := r.parse(args, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		return Config{}, nil, err
	}
	cfg, errs := r.validate()
	return cfg, errs, nil
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const month = time.Duration(365.25 * 24 / 12 * float64(time.Hour))

func TestConfigDefaults(t *testing.T) {
	cfg, errs, err := parseConfig(t, []string{"--measurement-ids=G-TEST123"}, nil)
	if err != nil || len(errs) > 0 {
		t.Fatalf("parse: %v %v", err, errs)
	}
	want := Config{
		Listen: ":8080", GAUpstream: "https://www.google-analytics.com", GTMUpstream: "https://www.googletagmanager.com",
		MeasurementIDs: []string{"G-TEST123"}, IPMode: proxy.IPTruncate, HonorDNT: true, HonorGPC: true,
		DataDir: "./data", Revision: "1", ConsentMaxAge: 182 * 24 * time.Hour,
		KeepURLParams: []string{"utm_*", "gclid"}, DataLayers: []string{"dataLayer"}, Store: "chdb://data/clickhouse", ClickHouseReplicate: true,
		BannerMode: "basic", PrivacyURL: "/privacy",
		Retention: 25 * month, FlushInterval: 10 * time.Second, CountWithoutConsent: true,
		ExcludeReferrerSpam: true, StaffExclusion: true,
		MaxBody: 65536, MaxEvents: 25, MaxValue: 1000, ReadBuffer: 16384, ForwardQueue: 10000, ForwardWorkers: 32,
		ScriptTTL: time.Hour, DrainTimeout: 10 * time.Second, LogFormat: "text", LogLevel: "info",
		MinCount: 5, CollectRate: 50, CollectBurst: 500, MaxConns: 10000, MemoryLimit: 512 << 20, MaxConnsPerIP: 256,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute,
		secretSource: "generated",
	}
	// The built-in regions table, compared by what it decides.
	if !reflect.DeepEqual(cfg.Regions.All(), builtinRegions(t).All()) {
		t.Errorf("default regions %+v", cfg.Regions.All())
	}
	cfg.Regions = nil
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", cfg, want)
	}
}

func builtinRegions(t *testing.T) *consent.Regions {
	t.Helper()
	r, err := consent.NewRegions(consent.RegionsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestConfigPrecedence: flags beat the environment, which beats the YAML
// file, which beats the defaults.
func TestConfigPrecedence(t *testing.T) {
	yml := writeFile(t, "c.yaml", `
listen: "127.0.0.1:7000"
flush-interval: 5s
log-level: error
max-events: 10
measurement-ids: [G-YAML111]
`)
	env := map[string]string{
		"CONSENTPROXY_FLUSH_INTERVAL": "3s",
		"CONSENTPROXY_LOG_LEVEL":      "debug",
		"CONSENTPROXY_CONFIG":         yml,
		"CONSENTPROXY_MAX_BODY":       "2048",
	}
	cfg, errs, err := parseConfig(t, []string{"--log-level=warn", "--max-body=4096"}, env)
	if err != nil || len(errs) > 0 {
		t.Fatalf("parse: %v %v", err, errs)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"listen (yaml over default)", cfg.Listen, "127.0.0.1:7000"},
		{"max-events (yaml over default)", cfg.MaxEvents, 10},
		{"measurement-ids (yaml)", cfg.MeasurementIDs, []string{"G-YAML111"}},
		{"flush-interval (env over yaml)", cfg.FlushInterval, 3 * time.Second},
		{"log-level (flag over env over yaml)", cfg.LogLevel, "warn"},
		{"max-body (flag over env)", cfg.MaxBody, 4096},
		{"ip-mode (default)", cfg.IPMode, proxy.IPTruncate},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	// --config on the command line beats CONSENTPROXY_CONFIG.
	other := writeFile(t, "d.yaml", "measurement-ids: G-FLAG222\n")
	cfg, errs, err = parseConfig(t, []string{"--config=" + other}, env)
	if err != nil || len(errs) > 0 || !reflect.DeepEqual(cfg.MeasurementIDs, []string{"G-FLAG222"}) {
		t.Errorf("--config flag: ids %v, %v %v", cfg.MeasurementIDs, err, errs)
	}
}

func TestConfigYAMLListsAndScalars(t *testing.T) {
	yml := writeFile(t, "c.yaml", `
measurement-ids:
  - G-AAA111
  - G-BBB222
trusted-proxies: [10.0.0.0/8, "192.168.1.1"]
exclude-ips: [198.51.100.0/24, "2001:db8::1"]
ai-channel: true
allowed-origins: "https://a.example, https://b.example"
honor-dnt: false
max-events: 7
retention: 400d
keep-url-params: []
cookie-domain:
`)
	cfg, errs, err := parseConfig(t, []string{"--config", yml}, nil)
	if err != nil || len(errs) > 0 {
		t.Fatalf("parse: %v %v", err, errs)
	}
	wantProxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.1/32")}
	if !reflect.DeepEqual(cfg.MeasurementIDs, []string{"G-AAA111", "G-BBB222"}) ||
		!reflect.DeepEqual(cfg.TrustedProxies, wantProxies) ||
		!reflect.DeepEqual(cfg.AllowedOrigins, []string{"https://a.example", "https://b.example"}) ||
		cfg.HonorDNT || !cfg.HonorGPC || cfg.MaxEvents != 7 || cfg.Retention != 400*24*time.Hour ||
		len(cfg.KeepURLParams) != 0 || cfg.CookieDomain != "" ||
		!reflect.DeepEqual(cfg.ExcludeIPs, []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("2001:db8::1/128")}) ||
		!cfg.AIChannel || !cfg.StaffExclusion || !cfg.ExcludeReferrerSpam {
		t.Errorf("from YAML: %+v", cfg)
	}
}

func TestConfigYAMLErrors(t *testing.T) {
	yml := writeFile(t, "c.yaml", "measurement-ids: G-AAA111\nlisten_addr: \":1\"\nip-mod: redact\nip-mode: sideways\n")
	_, errs, err := parseConfig(t, []string{"--config", yml}, nil)
	if err != nil {
		t.Fatalf("unknown keys should be reported with the other problems, got %v", err)
	}
	joined := strings.Join(errs, "\n")
	if len(errs) != 2 || !strings.Contains(joined, "unknown keys: ip-mod, listen_addr") || !strings.Contains(joined, "--ip-mode:") {
		t.Errorf("errors:\n%s", joined)
	}
	for name, content := range map[string]string{"syntax": "listen: [unclosed\n", "not a map": "- a\n- b\n"} {
		if _, _, err := parseConfig(t, []string{"--config", writeFile(t, "e.yaml", content)}, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, err := parseConfig(t, []string{"--config", filepath.Join(t.TempDir(), "missing.yaml")}, nil); err == nil {
		t.Error("missing file: no error")
	}
}

func TestCheckConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var out, errOut bytes.Buffer
	code := run([]string{"--check-config", "--measurement-ids=G-TEST123", "--data-dir=" + dir, "--store=none"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "configuration ok") {
		t.Errorf("valid config: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("--check-config touched the data dir: %v", err)
	}

	// Every problem at once: each bad flag is named, one line each.
	bad := map[string]string{
		"listen":           "nope",
		"ga-upstream":      "ftp://x.example",
		"measurement-ids":  "UA-1234",
		"trusted-proxies":  "10.0.0.0/33",
		"exclude-ips":      "10.0.0.0/8,office",
		"staff-exclusion":  "sometimes",
		"honor-dnt":        "maybe",
		"max-body":         "1",
		"retention":        "5x",
		"flush-interval":   "1ms",
		"log-level":        "loud",
		"log-format":       "xml",
		"secret":           "short",
		"store":            "mysql://db",
		"keep-user-params": "email",
		"cookie-domain":    "bad_domain!",
	}
	args := []string{"--check-config"}
	for k, v := range bad {
		args = append(args, "--"+k+"="+v)
	}
	t.Setenv(EnvName("ip-mode"), "sideways") // from the environment, reported too
	out.Reset()
	errOut.Reset()
	code = run(args, &out, &errOut)
	if code != 1 {
		t.Errorf("invalid config: exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != len(bad)+2 { // header + one per flag + ip-mode
		t.Errorf("want %d problems, got:\n%s", len(bad)+1, errOut.String())
	}
	for name := range bad {
		if !strings.Contains(errOut.String(), "--"+name+":") {
			t.Errorf("--%s not named in:\n%s", name, errOut.String())
		}
	}
	if !strings.Contains(errOut.String(), "--ip-mode:") {
		t.Errorf("--ip-mode (from env) not named in:\n%s", errOut.String())
	}

	// A file problem under --check-config is still an answer of 0 or 1.
	yml := writeFile(t, "c.yaml", "listen: [unclosed\n")
	if code := run([]string{"--check-config", "--config=" + yml}, io.Discard, io.Discard); code != 1 {
		t.Errorf("broken YAML with --check-config: exit %d, want 1", code)
	}
}

func TestSecret(t *testing.T) {
	key := "0123456789abcdef-secret"
	file := writeFile(t, "key", key+"\n")
	short := writeFile(t, "short", "tooshort\n")
	cases := []struct {
		arg     string
		want    string
		wantErr string
	}{
		{"@" + file, key, ""},
		{key, key, ""},
		{"@" + short, "", "fewer than 16 bytes"},
		{"@" + filepath.Join(t.TempDir(), "missing"), "", "read secret file"},
		{"short", "", "at least 16 characters"},
	}
	for _, c := range cases {
		cfg, errs, err := parseConfig(t, []string{"--measurement-ids=G-TEST123", "--secret=" + c.arg}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(errs, "\n")
		if c.wantErr != "" {
			if !strings.Contains(got, "--secret:") || !strings.Contains(got, c.wantErr) {
				t.Errorf("--secret=%s: errors %q, want %q", c.arg, got, c.wantErr)
			}
			continue
		}
		if got != "" || string(cfg.Secret) != c.want {
			t.Errorf("--secret=%s: secret %q, errors %q", c.arg, cfg.Secret, got)
		}
	}
}

// TestGeneratedSecret: without --secret, the first start writes one (0600)
// into the data dir and a restart on that dir uses it: a consent cookie
// issued before the restart still verifies after it.
func TestGeneratedSecret(t *testing.T) {
	dataDir := t.TempDir()
	useDir := func(c *Config) { c.DataDir = dataDir }
	m1 := MustRunMain(t, useDir)
	path := filepath.Join(dataDir, "secret")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no generated secret: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("secret mode %v, want 0600", st.Mode().Perm())
	}
	first, _ := os.ReadFile(path)
	if len(bytes.TrimSpace(first)) < 32 {
		t.Errorf("generated secret too short: %d bytes", len(bytes.TrimSpace(first)))
	}
	r1 := rigOf(t, m1)
	cookie := r1.consent(true, false, siteA)
	if err := r1.close(t); err != nil {
		t.Fatal(err)
	}

	m2 := MustRunMain(t, useDir)
	again, _ := os.ReadFile(path)
	if !bytes.Equal(first, again) {
		t.Error("restart replaced the secret")
	}
	if ok, resp := consentValid(t, rigOf(t, m2).client, cookie); !ok {
		t.Errorf("cookie from before the restart rejected: %s", resp)
	}
	// The check can fail: another data dir means another secret.
	if ok, _ := consentValid(t, rigOf(t, MustRunMain(t, nil)).client, cookie); ok {
		t.Error("a different secret accepted the cookie")
	}
}

// TestPreviousSecrets: a rotated-out key still verifies its cookies.
func TestPreviousSecrets(t *testing.T) {
	oldKey, newKey := "old-key-0123456789abcdef", "new-key-0123456789abcdef"
	set := func(secret, previous string) func(*Config) {
		return func(c *Config) {
			r := newRawConfig()
			if err := r.parse([]string{"--measurement-ids=G-TEST123", "--secret=" + secret, "--previous-secrets=" + previous}, func(string) (string, bool) { return "", false }); err != nil {
				t.Fatal(err)
			}
			k, errs := r.validate()
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			c.Secret, c.OldSecrets = k.Secret, k.OldSecrets
		}
	}
	cookie := rigOf(t, MustRunMain(t, set(oldKey, ""))).consent(true, true, siteA)
	if ok, resp := consentValid(t, rigOf(t, MustRunMain(t, set(newKey, oldKey))).client, cookie); !ok {
		t.Errorf("rotated key: cookie rejected: %s", resp)
	}
	if ok, _ := consentValid(t, rigOf(t, MustRunMain(t, set(newKey, ""))).client, cookie); ok {
		t.Error("cookie of a dropped key accepted")
	}
}

// consentValid asks GET /consent whether the proxy accepts cookie.
func consentValid(t *testing.T, c *client, cookie string) (bool, string) {
	t.Helper()
	status, body, _ := c.do(http.MethodGet, "/consent", map[string]string{"Cookie": cookie}, "")
	var out struct {
		Consent      json.RawMessage `json:"consent"`
		ConsentError string          `json:"consent_error"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("GET /consent: %d %s", status, body)
	}
	return out.ConsentError == "" && string(out.Consent) != "null" && len(out.Consent) > 0, body
}

func TestRetentionParsing(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"25mo": 25 * month, "1mo": month, "400d": 400 * 24 * time.Hour, "720h": 720 * time.Hour, "90m": 90 * time.Minute,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "mo", "-1d", "1.5d", "x3d", "5x", "10 d"} {
		if got, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) = %v, want an error", in, got)
		}
	}
	// Through the validator: shorter than a day is refused.
	for in, ok := range map[string]bool{"25mo": true, "400d": true, "720h": true, "24h": true, "23h": false, "0d": false} {
		_, errs, err := parseConfig(t, []string{"--measurement-ids=G-TEST123", "--retention=" + in}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if (len(errs) == 0) != ok {
			t.Errorf("--retention=%s: errors %v, want ok=%v", in, errs, ok)
		}
	}
}

// TestCheckConfigWarnsAboutPorts: a public URL on another port than 443 or
// 80 is valid, but --check-config says what it breaks.
func TestCheckConfigWarnsAboutPorts(t *testing.T) {
	for url, warn := range map[string]bool{
		"https://cp.example.com:8080": true,
		"http://cp.example.com:8443":  true,
		"https://cp.example.com":      false,
		"https://cp.example.com:443":  false,
		"http://cp.example.com:80":    false,
	} {
		var out, errOut strings.Builder
		code := run([]string{"--check-config", "--measurement-ids=G-TEST123", "--data-dir=" + t.TempDir(), "--store=none", "--public-url=" + url}, &out, &errOut)
		if code != 0 || strings.Contains(errOut.String(), "server_container_url") != warn {
			t.Errorf("%s: exit %d, stderr %q; want exit 0 and a warning: %v", url, code, errOut.String(), warn)
		}
	}
	if code := run([]string{"--check-config", "--measurement-ids=G-TEST123", "--store=none", "--public-url=cp.example.com"}, io.Discard, io.Discard); code != 1 {
		t.Errorf("a public URL without scheme: exit %d, want 1", code)
	}
}

// TestConfigTraps: settings that used to mean something else than they say.
func TestConfigTraps(t *testing.T) {
	yml := writeFile(t, "c.yaml", "measurement-ids: [G-YAML111]\nkeep-url-params: [utm_source]\nlog-level: debug\n")
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		check func(Config) string
		err   string // a validation error containing this, or "" for none
	}{
		{name: "empty flag keeps no url parameter", args: []string{"--measurement-ids=G-TEST123", "--keep-url-params="},
			check: func(c Config) string { return keptNone(c.KeepURLParams) }},
		{name: "none keeps no url parameter", args: []string{"--measurement-ids=G-TEST123", "--keep-url-params=none"},
			check: func(c Config) string { return keptNone(c.KeepURLParams) }},
		{name: "empty environment variable overrides the file", args: []string{"--config", yml},
			env:   map[string]string{"CONSENTPROXY_KEEP_URL_PARAMS": ""},
			check: func(c Config) string { return keptNone(c.KeepURLParams) }},
		{name: "unset environment variable leaves the file", args: []string{"--config", yml},
			check: func(c Config) string {
				if !reflect.DeepEqual(c.KeepURLParams, []string{"utm_source"}) || c.LogLevel != "debug" {
					return fmt.Sprintf("keep %q level %q, want the file's", c.KeepURLParams, c.LogLevel)
				}
				return ""
			}},
		{name: "empty environment variable of a required value is an error, not the file's", args: []string{"--config", yml},
			env: map[string]string{"CONSENTPROXY_LOG_LEVEL": ""}, err: "--log-level"},
		{name: "drain timeout 0 would skip the final flush", args: []string{"--measurement-ids=G-TEST123", "--drain-timeout=0"},
			err: "--drain-timeout: want a duration of at least 1s"},
		{name: "listen with two ports", args: []string{"--measurement-ids=G-TEST123", "--listen=host:80:90"},
			err: "--listen"},
		{name: "metrics listen with two ports", args: []string{"--measurement-ids=G-TEST123", "--metrics-listen=127.0.0.1:80:90"},
			err: "--metrics-listen"},
		{name: "bracketed IPv6 listen is fine", args: []string{"--measurement-ids=G-TEST123", "--listen=[::1]:8080"},
			check: func(c Config) string { return "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, errs, err := parseConfig(t, tc.args, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(errs, "\n")
			if tc.err == "" && got != "" {
				t.Fatalf("errors: %s", got)
			}
			if tc.err != "" {
				if !strings.Contains(got, tc.err) {
					t.Fatalf("errors %q, want one with %q", got, tc.err)
				}
				return
			}
			if msg := tc.check(cfg); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// keptNone checks a KeepURLParams that must keep nothing: empty, and not
// nil, which the minimizer reads as its default (proxy's
// TestURLParams holds that an empty list keeps none).
func keptNone(keep []string) string {
	if keep == nil || len(keep) != 0 {
		return fmt.Sprintf("keep-url-params %#v, want an empty non-nil list", keep)
	}
	return ""
}
