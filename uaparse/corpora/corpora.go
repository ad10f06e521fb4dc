// Package corpora loads the public user-agent corpora that
// scripts/fetch-corpora.sh puts in .cache/corpora and measures a parser
// against them. uaparse's tests assert floors on these numbers and
// cmd/corpusreport prints them; sharing the code keeps both measuring the
// same thing. Only tests and that command import it, so its YAML
// dependency never reaches the proxy binary.
package corpora

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Case is one user agent with what a corpus says about it. Empty fields
// are unknown. Group names the pattern or family the corpus files it under.
type Case struct {
	UA                    string
	Group                 string
	Browser, OS, Device   string
	Bot                   bool
	BrowserKnown, OSKnown bool
}

// Dir returns where the corpora are: $CONSENTPROXY_CORPORA, else
// .cache/corpora in the module root above the working directory (tests run
// in their package's directory).
func Dir() string {
	if d := os.Getenv("CONSENTPROXY_CORPORA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ".cache/corpora"
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, ".cache", "corpora")
		}
		if filepath.Dir(d) == d {
			return ".cache/corpora"
		}
	}
}

// ErrMissing wraps a corpus file that is not there (fetch-corpora.sh not run).
var ErrMissing = errors.New("corpus not fetched (run scripts/fetch-corpora.sh)")

func read(dir, rel string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", rel, ErrMissing)
	}
	return b, err
}

// Crawlers loads crawler-user-agents' example UAs, one case per distinct
// UA, grouped by the pattern that lists it.
func Crawlers(dir string) ([]Case, error) {
	b, err := read(dir, "crawler-user-agents/crawler-user-agents.json")
	if err != nil {
		return nil, err
	}
	var entries []struct {
		Pattern   string   `json:"pattern"`
		Instances []string `json:"instances"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, err
	}
	var out []Case
	seen := map[string]bool{}
	for _, e := range entries {
		for _, ua := range e.Instances {
			if !seen[ua] {
				seen[ua] = true
				out = append(out, Case{UA: ua, Group: e.Pattern, Bot: true})
			}
		}
	}
	return out, nil
}

// Browsers loads user-agents' real browser UAs (distinct ones) with their
// device category: desktop, mobile or tablet.
func Browsers(dir string) ([]Case, error) {
	b, err := read(dir, "user-agents/dist/user-agents.json")
	if err != nil {
		return nil, err
	}
	var entries []struct {
		UserAgent      string `json:"userAgent"`
		DeviceCategory string `json:"deviceCategory"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, err
	}
	var out []Case
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.UserAgent] {
			seen[e.UserAgent] = true
			out = append(out, Case{UA: e.UserAgent, Device: e.DeviceCategory})
		}
	}
	return out, nil
}

// uapFixtures reads one ua-parser test_resources file: UA and family.
func uapFixtures(dir, name string) ([]Case, error) {
	b, err := read(dir, "ua-parser/test_resources/"+name)
	if err != nil {
		return nil, err
	}
	var doc struct {
		TestCases []struct {
			UA     string `yaml:"user_agent_string"`
			Family string `yaml:"family"`
		} `yaml:"test_cases"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make([]Case, 0, len(doc.TestCases))
	for _, c := range doc.TestCases {
		if malformed(c.UA) {
			continue
		}
		out = append(out, Case{UA: c.UA, Group: c.Family})
	}
	return out, nil
}

// malformed reports the few fixtures that are copy-paste artifacts no
// browser sends ("User agent: Mozilla/5.0 …", "(Opera) Vodafone/…"): they
// test uap's regexes, not what reaches a server.
func malformed(ua string) bool {
	return strings.HasPrefix(ua, "User agent: ") || strings.HasPrefix(ua, "(Opera) ")
}

// UAParserBrowsers loads ua-parser's browser fixtures: Browser is our name
// for the fixture's family (BrowserKnown false when we do not report that
// family), Bot set for the fixture's bot families.
func UAParserBrowsers(dir string) ([]Case, error) {
	cs, err := uapFixtures(dir, "test_user_agent_parser.yaml")
	for i := range cs {
		cs[i].Bot = uapBotFamily(cs[i].Group)
		cs[i].Browser, cs[i].BrowserKnown = MapBrowser(cs[i].Group)
	}
	return cs, err
}

// UAParserOS loads ua-parser's OS fixtures, mapped like UAParserBrowsers.
func UAParserOS(dir string) ([]Case, error) {
	cs, err := uapFixtures(dir, "test_user_agent_parser_os.yaml")
	for i := range cs {
		cs[i].OS, cs[i].OSKnown = MapOS(cs[i].Group)
	}
	return cs, err
}

// UAParserDevices loads ua-parser's device fixtures; family "Spider" is
// how uap marks bots.
func UAParserDevices(dir string) ([]Case, error) {
	cs, err := uapFixtures(dir, "test_device.yaml")
	for i := range cs {
		cs[i].Bot = cs[i].Group == "Spider"
	}
	return cs, err
}

// Monitors loads a committed TSV of monitor UAs (ua, vendor, source).
func Monitors(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Case
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("%s: %d columns in %q, want 3", path, len(cols), line)
		}
		out = append(out, Case{UA: cols[0], Group: cols[1], Bot: true})
	}
	return out, sc.Err()
}
