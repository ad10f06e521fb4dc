package privacy

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHTMLPage: the page needs no script and its one style is exactly the
// one CSP allows; links are relative without a base URL, absolute with one.
func TestHTMLPage(t *testing.T) {
	for _, lang := range Languages() {
		b, err := Render(testFacts(), FormatHTML, lang, Options{})
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		if !strings.Contains(page, `<html lang="`+lang+`">`) {
			t.Errorf("%s: page lacks its lang attribute", lang)
		}
		for _, bad := range []string{"<script", " style=", "javascript:"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s: page contains %q", lang, bad)
			}
		}
		if m := regexp.MustCompile(`<[^>]+\son[a-z]+=`).FindString(page); m != "" {
			t.Errorf("%s: event handler attribute in %q", lang, m)
		}
		start, end := strings.Index(page, "<style>"), strings.Index(page, "</style>")
		if start < 0 || end < start || strings.Count(page, "<style>") != 1 {
			t.Fatalf("%s: want exactly one <style>", lang)
		}
		sum := sha256.Sum256([]byte(page[start+len("<style>") : end]))
		if !strings.Contains(CSP(), "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("CSP %q does not allow the page's style", CSP())
		}
		if !strings.Contains(page, `<a href="optout"><code>GET /optout</code></a>`) {
			t.Errorf("%s: no relative link to the opt-out page", lang)
		}
		if strings.Contains(page, "DELETE /consent</code></a>") {
			t.Errorf("%s: DELETE is not something a link can do", lang)
		}
	}
	if !strings.Contains(CSP(), "default-src 'none'") || strings.Contains(CSP(), "script-src") {
		t.Errorf("CSP %q", CSP())
	}
	b, err := Render(testFacts(), FormatHTML, "en", Options{BaseURL: "https://proxy.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `href="https://proxy.example.com/consent"`) {
		t.Error("base URL not used for links")
	}
	md, err := Render(testFacts(), FormatMarkdown, "en", Options{BaseURL: "https://proxy.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "[`GET /optout`](https://proxy.example.com/optout)") {
		t.Errorf("markdown link missing:\n%s", md)
	}
}

// TestRefuses: facts the texts cannot state, a language or a format that
// does not exist give an error, never a half-written notice.
func TestRefuses(t *testing.T) {
	for name, change := range map[string]func(*Facts){
		"no revision":      func(f *Facts) { f.Revision = "" },
		"unknown purpose":  func(f *Facts) { f.Cookies[0].Purpose = "tracking" },
		"no lifetime":      func(f *Facts) { f.Cookies[1].MaxAge = 0 },
		"domain mismatch":  func(f *Facts) { f.Cookies[2].Domain = "example.com" },
		"unknown ip mode":  func(f *Facts) { f.Google.IPMode = "full" },
		"no prefixes":      func(f *Facts) { f.Google.IPv4Prefix = 0 },
		"store, no tables": func(f *Facts) { f.Stored.Tables = nil },
		"store, min 0":     func(f *Facts) { f.Stored.MinCount = 0 },
		"relative path":    func(f *Facts) { f.Rights[0].Path = "consent" },
		"unknown right":    func(f *Facts) { f.Rights[0].Right = "erase" },
		"unknown storage":  func(f *Facts) { f.Storage[0].Kind = "indexeddb" },
		"banner mode":      func(f *Facts) { f.BannerMode = "aggressive" },
		"no opt-out":       func(f *Facts) { f.Signals.OptOutCookie = "" },
	} {
		f := testFacts()
		change(&f)
		if _, err := Render(f, FormatHTML, "en", Options{}); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
	if _, err := Render(testFacts(), FormatHTML, "sv", Options{}); err == nil || !strings.Contains(err.Error(), "de, en") {
		t.Errorf("unknown language: %v", err)
	}
	if _, err := Render(testFacts(), "pdf", "en", Options{}); err == nil || !strings.Contains(err.Error(), "markdown") {
		t.Errorf("unknown format: %v", err)
	}
}

func TestDuration(t *testing.T) {
	month := time.Duration(365.25 * 24 / 12 * float64(time.Hour))
	for d, want := range map[time.Duration]string{
		25 * month:               "25 months",
		month:                    "1 month",
		2 * 365 * 24 * time.Hour: "2 years",
		4368 * time.Hour:         "182 days",
		400 * 24 * time.Hour:     "400 days",
		12 * time.Hour:           "12 hours",
		30 * time.Minute:         "30 minutes",
		90 * time.Second:         "90 seconds",
	} {
		l, _ := newLang("en")
		if got := l.duration(d); got != want {
			t.Errorf("duration(%s) = %q, want %q", d, got, want)
		}
	}
	l, _ := newLang("de")
	if got := l.duration(24 * time.Hour); got != "1 Tag" {
		t.Errorf("de: %q", got)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"a*b_c":      `a\*b\_c`,
		"<b>[x]</b>": `\<b\>\[x\]\</b\>`,
		"x|y":        `x\|y`,
	} {
		if got := mdText(in, true); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdCode("a`b|c", true); got != "``a`b\\|c``" {
		t.Errorf("mdCode = %q", got)
	}
}
