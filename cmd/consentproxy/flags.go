package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// rawConfig is every flag as text, before validation.
type rawConfig struct {
	fs     *flag.FlagSet
	values map[string]*string
	check  bool
	config string
	// fileErr is a problem of the YAML file that validate reports with
	// every other one (unknown keys), rather than stopping at it.
	fileErr string
}

// flagSpec is one flag: its name, default and help. The order here is the
// order of --help and of the README's reference.
type flagSpec struct{ name, def, help string }

var flagSpecs = []flagSpec{
	{"listen", ":8080", "address to serve on"},
	{"ga-upstream", "https://www.google-analytics.com", "GA4 collection origin hits are forwarded to"},
	{"gtm-upstream", "https://www.googletagmanager.com", "origin gtag.js is fetched from"},
	{"measurement-ids", "", "comma list of GA4 measurement ids served and forwarded (required), e.g. G-ABC123"},
	{"allowed-origins", "", "comma list of site origins allowed to send hits and choices cross-origin, e.g. https://example.com"},
	{"trusted-proxies", "", "comma list of CIDRs whose X-Forwarded-For (and country header) is believed"},
	{"ip-mode", "truncate", "what Google learns of the visitor's IP: truncate (/24, /48) or redact (::)"},
	{"honor-dnt", "true", "treat DNT: 1 as an opt-out"},
	{"honor-gpc", "true", "treat Sec-GPC: 1 as an opt-out"},
	{"secret", "", "signing key, or @path to a file holding it; generated in the data dir when unset"},
	{"previous-secrets", "", "comma list (or @path, one per line) of rotated-out keys that still verify"},
	{"cookie-domain", "", "domain for the consent and opt-out cookies; empty = host-only"},
	{"data-dir", "./data", "directory for the generated secret, the spool and the embedded database"},
	{"policy-revision", "1", "policy revision consent is asked for; changing it asks everyone again"},
	{"consent-max-age", "4368h", "how long a consent choice (accept or reject) is valid: 182 days"},
	{"keep-url-params", "utm_*,gclid", "query parameters URLs sent to Google keep (dl, dr, ep.* URLs); a trailing * matches a prefix; none (or empty) keeps none"},
	{"keep-search-terms", "false", "forward site-search terms (ep.search_term and the like) to Google"},
	{"max-value", "1000", "longest parameter value sent to Google, in bytes; longer ones are cut, never refused"},
	{"keep-user-params", "", "user identifiers forwarded anyway: uid, up.<name>, upn.<name>"},
	{"datalayer-names", "dataLayer", "dataLayer names gtag.js may be loaded with (?l=); another is refused, so the script cache stays bounded"},
	{"country-header", "", "trusted CDN header carrying the visitor's ISO country, e.g. CF-IPCountry"},
	{"region-header", "", "trusted CDN header carrying the visitor's ISO 3166-2 subdivision, e.g. CF-Region-Code (CA) or X-Forwarded-CountryRegion (US-CA)"},
	{"public-url", "", "the proxy's URL as browsers reach it, e.g. https://cp.example.com; --check-config warns about what breaks gtag.js"},
	{"store", "", "aggregate store: chdb://PATH (embedded; default chdb://<data-dir>/clickhouse), clickhouse://user:pass@host:9000/db, or none"},
	{"clickhouse-cluster", "", "ClickHouse cluster name: DDL ON CLUSTER, Distributed tables"},
	{"clickhouse-replicated", "true", "with a cluster, use Replicated engines (needs Keeper/ZooKeeper)"},
	{"api-tokens", "", "@path to the YAML file of read-only API tokens (see apitoken); unset: the API refuses everyone"},
	{"min-count", "5", "rows of the API counting fewer visitors are folded into (other)"},
	{"api-cors-origins", "", "comma list of origins allowed to call the API from a browser; default none"},
	{"banner-mode", "basic", "basic (gtag loads only after consent) or advanced (loads with every signal denied)"},
	{"privacy-url", "/privacy", "privacy policy the banner links to: a path on the site or an http(s) URL"},
	{"allow-opt-in-over-signals", "false", "let an explicit opt-in in the banner win over GPC/DNT (also on the server)"},
	{"regions", "", "consent model by place: YAML/JSON {elsewhere, builtin, rules: [{name, where, model, marketing, reask}]} or @path; default: opt-in in the EEA, GB, CH; opt-out in 12 US states; opt-in elsewhere"},
	{"goals", "", "goals, counted per visit with the visit's channel, utm_source, utm_campaign and entry page: YAML/JSON {name: {event | page, sites}} or @path; page patterns use * (one segment) and ** (any); default none"},
	{"funnels", "", "funnels over those goals: YAML/JSON {name: {steps: [goal, ...], sites}} or @path; a visit counts at a step after every earlier one, in order; default none"},
	{"event-properties", "", "event properties counted per event and value: YAML/JSON {name: {values: [...] | buckets: [...] | free_text: true, sites}} or @path (name without ep./epn.); default none"},
	{"breakdowns", "", "comma list of the two-dimension breakdowns to write beyond the built-in ones: page_country (pages × the visit's country); default none"},
	{"report-smtp", "", "SMTP server for the e-mail report: smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://; default none (no report)"},
	{"report-from", "", "the e-mail report's sender address"},
	{"report-to", "", "comma list of the e-mail report's recipients"},
	{"report-every", "weekly", "the e-mail report's period: daily, weekly (Monday to Sunday) or monthly, sent at 06:00 UTC once it has ended"},
	{"banner-texts", "", "banner text overrides: JSON {lang: {key: text}} (\"*\" = every language) or @path; in YAML a mapping"},
	{"clickhouse-distributed-ddl", "true", "with a cluster, run DDL ON CLUSTER (needs Keeper/ZooKeeper); false migrates every node itself"},
	{"retention", "25mo", "how long aggregates are kept: a duration (720h), days (400d) or months (25mo)"},
	{"flush-interval", "10s", "how often in-memory aggregates are written"},
	{"count-without-consent", "true", "count hits without analytics consent in the aggregates (never forwarded)"},
	{"exclude-ips", "", "comma list of CIDRs (or IPs) of internal traffic: their hits are neither forwarded nor counted, only counted as excluded"},
	{"exclude-referrer-spam", "true", "leave out hits whose referrer is on the built-in referrer-spam list (counted as excluded)"},
	{"staff-exclusion", "true", "serve /exclude, where the site's staff exclude their own browser with a cookie, and honour that cookie"},
	{"ai-channel", "false", "count visits from AI assistants as channel ai_assistant; GA4 (and the default) count them as referral"},
	{"geoip-db", "", "path to a MaxMind-format country database (.mmdb)"},
	{"max-body", "65536", "largest /g/collect body in bytes"},
	{"max-events", "25", "most events in one /g/collect body"},
	{"read-buffer", "16384", "largest request line plus headers in bytes"},
	{"forward-queue", "10000", "hits waiting for Google; when full, a hit waits up to 250 ms for room while Google answers, else it is dropped"},
	{"forward-workers", "32", "concurrent requests to Google"},
	{"script-ttl", "1h", "how long a fetched gtag.js is served before it is fetched again"},
	{"drain-timeout", "10s", "how long shutdown waits for the forward queue and the last flush; at least 1s"},
	{"collect-rate", "50", "hits per second one client address may send on average; more get 429; 0 = no limit"},
	{"collect-burst", "500", "hits one client address may send at once before --collect-rate applies"},
	{"memory-limit", "512MiB", "the process's memory budget: less what is resident outside the Go runtime at start (the binary, chDB) and a sixteenth, it is the runtime's soft limit (unless GOMEMLIMIT is set); the caps on visitor hashes, sessions and distinct values derive from it"},
	{"max-conns", "10000", "most open client connections; more are refused"},
	{"max-conns-per-ip", "256", "most open connections from one peer address (an IPv6 /64) that is not a trusted proxy; 0 = no limit"},
	{"read-timeout", "10s", "how long a client may take to send a whole request, from its first byte or connection"},
	{"write-timeout", "10s", "how long a client may take to receive a whole response"},
	{"idle-timeout", "60s", "how long a keep-alive connection may wait for its next request"},
	{"metrics-listen", "", "address serving Prometheus /metrics, e.g. 127.0.0.1:9464; empty = off"},
	{"demo", "false", "serve the offline demo: a shop with the banner at /demo/, a stand-in for Google on loopback that the upstreams point at, and 7 days of generated history; never in production"},
	{"log-format", "text", "text or json"},
	{"log-level", "info", "debug, info, warn or error"},
}

// bareFlags may be given without a value (--demo means --demo=true).
// Only new switches: making --honor-dnt one would turn "--honor-dnt false"
// into --honor-dnt=true and a stray argument.
var bareFlags = map[string]bool{"demo": true}

// flagValue is a flag's text; a bare one is a boolean switch to package flag.
type flagValue struct {
	s    string
	bare bool
}

func (v *flagValue) String() string     { return v.s }
func (v *flagValue) Set(s string) error { v.s = s; return nil }
func (v *flagValue) IsBoolFlag() bool   { return v.bare }

// EnvName is the environment variable that sets a flag.
func EnvName(flagName string) string {
	return "CONSENTPROXY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func newRawConfig() *rawConfig {
	r := &rawConfig{fs: flag.NewFlagSet("consentproxy", flag.ContinueOnError), values: map[string]*string{}}
	for _, f := range flagSpecs {
		v := &flagValue{s: f.def, bare: bareFlags[f.name]}
		r.fs.Var(v, f.name, f.help+" (env "+EnvName(f.name)+")")
		r.values[f.name] = &v.s
	}
	r.fs.StringVar(&r.config, "config", "", "optional YAML file whose keys are flag names")
	r.fs.BoolVar(&r.check, "check-config", false, "validate the configuration, print every problem, exit 0 or 1")
	return r
}

// parse reads args, then the environment and the YAML file for flags the
// command line did not set. lookupEnv is os.LookupEnv or a test's fake: a
// variable set to "" is set, and overrides the file (keep-url-params: ""
// keeps no query parameter; an unset variable leaves the file's value).
func (r *rawConfig) parse(args []string, lookupEnv func(string) (string, bool)) error {
	if err := r.fs.Parse(args); err != nil {
		return err
	}
	if r.fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags are --name=value)", r.fs.Arg(0))
	}
	set := map[string]bool{}
	r.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["config"] {
		r.config, _ = lookupEnv(EnvName("config"))
	}
	file := map[string]string{}
	if r.config != "" {
		var err error
		if file, err = readYAML(r.config); err != nil {
			if !errors.Is(err, errUnknownKeys) {
				return err
			}
			r.fileErr = err.Error()
		}
	}
	for _, f := range flagSpecs {
		if set[f.name] {
			continue
		}
		if v, ok := lookupEnv(EnvName(f.name)); ok {
			*r.values[f.name] = v
		} else if v, ok := file[f.name]; ok {
			*r.values[f.name] = v
		}
	}
	return nil
}

// errUnknownKeys marks a YAML file naming keys that are no flag: likely a
// typo, which must not pass silently.
var errUnknownKeys = errors.New("unknown keys")

// readYAML reads a flat mapping of flag names to scalars or lists. With
// unknown keys it returns the known ones and an errUnknownKeys error.
func readYAML(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse config %s: %w", path, err)
	}
	known := map[string]bool{}
	for _, f := range flagSpecs {
		known[f.name] = true
	}
	out := map[string]string{}
	var unknown []string
	for k, v := range m {
		if !known[k] {
			unknown = append(unknown, k)
			continue
		}
		switch v := v.(type) {
		case map[string]any, map[any]any:
			// A nested mapping (banner-texts, regions, goals) travels as
			// JSON, like its flag; keys YAML reads as numbers or booleans
			// (a goal named 404) as the strings they were written as.
			b, err := json.Marshal(stringKeys(v))
			if err != nil {
				return nil, fmt.Errorf("config %s: key %s: %w", path, k, err)
			}
			out[k] = string(b)
		case []any:
			parts := make([]string, len(v))
			for i, e := range v {
				parts[i] = fmt.Sprint(e)
			}
			out[k] = strings.Join(parts, ",")
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return out, fmt.Errorf("%s: %w: %s", path, errUnknownKeys, strings.Join(unknown, ", "))
	}
	return out, nil
}

// stringKeys turns the mappings in v that YAML decoded with non-string keys
// (map[any]any: a key such as 404 or true) into map[string]any, so that
// they encode as JSON objects.
func stringKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = stringKeys(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = stringKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stringKeys(e)
		}
		return out
	}
	return v
}

// decodeFlagYAML reads a flag's YAML (or JSON) value, inline or @path, into
// v, refusing unknown keys: a misspelt one must not pass as a default. Its
// errors are one line, without the Go types yaml names.
func decodeFlagYAML(s string, v any) error {
	b := []byte(s)
	if strings.HasPrefix(s, "@") {
		var err error
		if b, err = os.ReadFile(s[1:]); err != nil {
			return fmt.Errorf("read: %w", err)
		}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = plainYAMLError(m)
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}

// plainYAMLError rewrites one of yaml's type errors for a person: "line 3:
// field evnt not found in type struct {…}" becomes "line 3: unknown key
// evnt", "cannot unmarshal !!str `x` into struct {…}" "a mapping is
// needed, not x".
func plainYAMLError(m string) string {
	if i := strings.Index(m, " not found in type "); i >= 0 {
		return strings.Replace(m[:i], "field ", "unknown key ", 1)
	}
	if i := strings.Index(m, "cannot unmarshal "); i >= 0 {
		what := m[i+len("cannot unmarshal "):]
		if j := strings.Index(what, " into "); j >= 0 {
			into := what[j+len(" into "):]
			what = what[:j]
			need := "another shape"
			switch {
			case strings.HasPrefix(into, "[]"):
				need = "a list"
			case strings.HasPrefix(into, "struct"), strings.HasPrefix(into, "map"), strings.HasPrefix(into, "main."):
				need = "a mapping"
			case into == "string":
				need = "a string"
			case into == "bool":
				need = "true or false"
			}
			return m[:i] + need + " is needed here, not " + what
		}
	}
	return m
}
