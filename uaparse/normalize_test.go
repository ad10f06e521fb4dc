package uaparse

import (
	"bufio"
	"os"
	"strings"
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
)

type corpusCase struct {
	line int
	ua   string
	want consentproxy.Agent
}

// loadCorpus reads testdata/agents.tsv (see its header for the columns).
func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/agents.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 7 {
			t.Fatalf("agents.tsv:%d: %d columns, want 7", n, len(cols))
		}
		bot := cols[6] == "yes"
		if !bot && cols[6] != "no" {
			t.Fatalf("agents.tsv:%d: bot column %q", n, cols[6])
		}
		out = append(out, corpusCase{n, cols[0], consentproxy.Agent{
			Browser: cols[1], BrowserVersion: cols[2], OS: cols[3], OSVersion: cols[4], Device: cols[5], Bot: bot,
		}})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("corpus has only %d cases", len(out))
	}
	return out
}

func TestCorpus(t *testing.T) {
	p := New(0)
	for _, c := range loadCorpus(t) {
		// Twice: the second answer comes from the cache and must agree.
		for pass := 0; pass < 2; pass++ {
			got := p.Parse(c.ua)
			if got.Bot && got.BotClass == "" {
				t.Errorf("agents.tsv:%d: bot without a class", c.line)
			}
			got.BotClass = "" // agents.tsv has no class column; TestBotClasses checks classes
			if got != c.want {
				t.Errorf("agents.tsv:%d pass %d: Parse(%q)\n got %+v\nwant %+v", c.line, pass, c.ua, got, c.want)
			}
		}
	}
}

func TestCorpusCoversRequiredClasses(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range loadCorpus(t) {
		a := c.want
		seen["browser:"+a.Browser] = true
		seen["os:"+a.OS] = true
		seen["device:"+a.Device] = true
		if a.Bot {
			seen["bot"] = true
		}
	}
	for _, k := range []string{"browser:Chrome", "browser:Edge", "browser:Firefox", "browser:Safari",
		"browser:Samsung Internet", "browser:Opera", "os:iOS", "os:Android", "os:Windows", "os:macOS",
		"os:Linux", "os:ChromeOS", "device:desktop", "device:mobile", "device:tablet", "bot"} {
		if !seen[k] {
			t.Errorf("corpus lacks %s", k)
		}
	}
}

func TestVersionHelpers(t *testing.T) {
	for in, want := range map[string]string{"126.0": "126", "007": "7", "": "", "x1": "", "99999": "", "123456": "", "9999.1": "9999"} {
		if got := major(in); got != want {
			t.Errorf("major(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"(Macintosh; Intel Mac OS X 10_15_7)": "10.15",
		"(Macintosh; Intel Mac OS X 10.9)":    "10.9",
		"(Macintosh; Intel Mac OS X 14_5)":    "14",
		"(Macintosh; Intel Mac OS X 10)":      "10",
		"(Macintosh; Intel Mac OS X )":        "",
		"(Macintosh; PPC Mac OS X 10_5_8)":    "10.5",
		"(Macintosh)":                         "",
	} {
		if got := macVersion(in); got != want {
			t.Errorf("macVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAgentDoesNotAliasInput checks the contract that a Recorder may keep an
// Agent after the request buffer is reused: mutating the input afterwards must
// not change the result.
func TestAgentDoesNotAliasInput(t *testing.T) {
	p := New(0)
	buf := []byte("Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36")
	ua := string(buf)
	a := p.Parse(ua)
	b := p.Parse(strings.Clone(ua))
	if a != b || a.BrowserVersion != "125" || a.OSVersion != "14" {
		t.Fatalf("unexpected %+v / %+v", a, b)
	}
	for i := range buf {
		buf[i] = 'x'
	}
	if a.BrowserVersion != "125" || a.OSVersion != "14" {
		t.Fatalf("agent changed after input reuse: %+v", a)
	}
}

func TestOutputsNeverContainInput(t *testing.T) {
	// A unique marker in a product name, the model and a version must not
	// reach any Agent field.
	const marker = "MARKER9f8e7d"
	uas := []string{
		"Mozilla/5.0 (Linux; Android 14; " + marker + ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
		marker + "/1.0",
		"Mozilla/5.0 (" + marker + "; rv:1.0) Gecko/20100101 " + marker + "/2.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS " + marker + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" + marker + " Mobile/15E148 Safari/604.1",
	}
	p := New(0)
	for _, ua := range uas {
		a := p.Parse(ua)
		for _, f := range []string{a.Browser, a.BrowserVersion, a.OS, a.OSVersion, a.Device} {
			if strings.Contains(f, "MARKER") || strings.Contains(f, "9f8e7d") {
				t.Errorf("Parse(%q) leaked the marker: %+v", ua, a)
			}
		}
	}
}
