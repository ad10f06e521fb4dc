// Command gen writes uaparse/crawlers_gen.txt from crawler-user-agents'
// JSON and isbot's pattern list. scripts/gen-crawlers.sh fetches both
// (pinned, sha256-checked) and runs it; the output is committed, so builds
// never need the network.
//
// Both sources are regular expressions matched as substrings. uaparse
// matches literal tokens at word boundaries instead (fast enough for one
// pass per UA, and "CUBOT" phones stop matching "bot"), so each pattern is
// converted, and for crawler-user-agents checked against its own example
// UAs: a side whose boundary would lose an example is relaxed with '*'.
// isbot's few real regexes are translated by hand in isbotHand; a new one
// in a later version stops the generator until someone does the same.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/consentproxy/consentproxy/uaparse/internal/botlist"
)

// cuaDrop are crawler-user-agents patterns left out on purpose.
var cuaDrop = map[string]string{
	`AP3A\.240617\.008`: "an Android build id: its example is Instagram's in-app browser on a real phone",
	`Expanse`:           "also a phone name; crawlers.txt has the scanner's own phrase",
	`Sogou`:             "also Sogou's browser (SogouMobileBrowser, SogouMSE); its spiders say spider",
	`Fluid`:             "a real site-specific browser for macOS, not automation",
	`Viber`:             "also Viber's in-app browser (Viber/11.9); crawlers.txt has the preview bot's bare UA",
}

// cuaHand replaces a conversion that would be too broad: these examples
// would otherwise relax the pattern to match inside any word.
var cuaHand = map[string][]string{
	`Sonic`: {"sonic", "ranksonicsiteauditor"}, // "*sonic" would match Panasonic TVs
}

// tagClass maps crawler-user-agents' tags onto uaparse's bot classes.
var tagClass = map[string]string{
	"ai-crawler":         "ai_crawler",
	"monitoring":         "monitor",
	"browser-automation": "headless",
	"http-library":       "library",
	"scanner":            "other",
	"search-engine":      "crawler",
	"seo":                "crawler",
	"social-preview":     "crawler",
	"feed-reader":        "crawler",
	"archiver":           "crawler",
	"academic":           "crawler",
	"advertising":        "crawler",
}

// isbotHand translates isbot's regular expressions; an empty list leaves
// the pattern out, for the reason given.
var isbotHand = map[string]struct {
	globs  []string
	reason string
}{
	`(?:^|[^g])news(?!sapphire)`:                                {nil, "news apps' in-app browsers; named news crawlers come from crawler-user-agents"},
	`(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))`: {nil, "Google's bots are listed one by one in both lists"},
	`(?<! cu)bots?(?:\b|_)`:                                     {nil, `crawlers.txt's generic "*bot" and "*bots" with the device-name exceptions`},
	`(?<!cam)scan`:                                              {[]string{"*scanner", "scan/"}, ""},
	`(?<!lib)http`:                                              {nil, "libraries are caught by the structural rule and the library list"},
	`;\s\w+;$`:                                                  {nil, "structural; normalize's no-browser-no-OS rule"},
	`@[a-z][\w-]+\.`:                                            {nil, "an e-mail address: not expressible as a token"},
	`\b\w+/1\.0;`:                                               {nil, "too broad for word tokens"},
	`^[<\(;]`:                                                   {[]string{"^<", "^(", "^;"}, ""},
	`^\w*search\b`:                                              {nil, "structural"},
	`^[\w \.\-\(?:\):%]+(?:/v?\d+(?:\.\d+)?(?:\.\d{1,10})*?)?(?:,|$)`: {nil, "structural: name/version only is normalize's library rule"},
	`^[\w\-]+/[\w]+$`:            {nil, "structural: name/version only"},
	`^[^ ]{50,}$`:                {nil, "structural"},
	`^\d+\b`:                     {nil, "structural"},
	`^\w+/[\w\(\)]*$`:            {nil, "structural: name/version only"},
	`^\w+/\d\.\d\s\([\w@]+\)$`:   {nil, "structural"},
	`^mozilla/\d\.\d\s[\w\.-]+$`: {nil, "structural: no browser, no OS"},
	`^mozilla/\d\.\d\s\((?:compatible;)?(?:\s?[\w\d-.]+[\s/]\d+\.\d+)?\)$`: {nil, "structural: no browser, no OS"},
	`agent\b`:     {[]string{"*agent"}, ""},
	`chromeframe`: {nil, "Chrome Frame was a plug-in inside real Internet Explorers"},
	// Measured on device-detector's phone, tablet and TV fixtures: as word
	// prefixes (or words) these flag WeChat ("Process/toolsmp", "Process/tools"), Sogou's browser
	// ("SogouMobileBrowser") and Hisense TVs ("OMI/….Catcher4.69").
	`catch`:     {nil, "Hisense TVs say Catcher; Catchpoint is in crawlers.txt"},
	`sogou`:     {nil, "Sogou's browser is a real browser; its spiders say spider"},
	`tools`:     {nil, "WeChat says Process/tools; tool crawlers are named in crawler-user-agents"},
	`check\b`:   {[]string{"*check"}, ""},
	`monitor\b`: {[]string{"*monitor"}, ""},
	`node\b`:    {[]string{"node/"}, ""},
	`rss\b`:     {[]string{"*rss"}, ""},
	`java(?!;)`: {[]string{"^java/"}, ""},
}

// isbotClass guesses a class for isbot's unlabeled patterns by keyword.
var isbotClass = []struct{ kw, class string }{
	{"headless", "headless"}, {"phantom", "headless"}, {"playwright", "headless"}, {"selenium", "headless"},
	{"cypress", "headless"}, {"splash", "headless"}, {"webkit2png", "headless"}, {"functionize", "headless"},
	{"openai", "ai_crawler"}, {"claude", "ai_crawler"}, {"cursor", "ai_crawler"}, {"manus", "ai_crawler"},
	{"pingdom", "monitor"}, {"speedcurve", "monitor"}, {"statuscake", "monitor"}, {"pagespeed", "monitor"},
	{"lighthouse", "monitor"}, {"synthetic", "monitor"}, {"rigor", "monitor"}, {"dareboost", "monitor"},
	{"measure", "monitor"}, {"monitor", "monitor"}, {"24x7", "monitor"}, {"check", "monitor"},
	{"infrawatch", "monitor"}, {"neustar", "monitor"}, {"iplabel", "monitor"}, {"dejaclick", "monitor"},
	{"catch", "monitor"}, {"ptst", "monitor"}, {"blackbox", "monitor"}, {"pageburst", "monitor"},
	{"python", "library"}, {"php", "library"}, {"wget", "library"}, {"apache", "library"}, {"java", "library"},
	{"perl", "library"}, {"node", "library"}, {"jetty", "library"}, {"getright", "library"}, {"igetter", "library"},
	{"^rest", "library"}, {"postman", "library"}, {"^client", "library"}, {"^custom", "library"},
	{"crawl", "crawler"}, {"spider", "crawler"}, {"scrape", "crawler"}, {"archive", "crawler"}, {"feed", "crawler"},
	{"rss", "crawler"}, {"preview", "crawler"}, {"yandex", "crawler"}, {"yahoo", "crawler"}, {"sogou", "crawler"},
	{"nutch", "crawler"}, {"teoma", "crawler"}, {"facebook", "crawler"}, {"whatsapp", "crawler"}, {"audit", "crawler"},
}

type cuaEntry struct {
	Pattern   string   `json:"pattern"`
	Instances []string `json:"instances"`
	Tags      []string `json:"tags"`
}

func main() {
	cuaPath := flag.String("cua", "", "crawler-user-agents.json")
	isbotPath := flag.String("isbot", "", "isbot's list, one pattern source per line")
	header := flag.String("header", "", "text for the header comment (versions, checksums, licences)")
	out := flag.String("o", "", "output file")
	flag.Parse()
	if *cuaPath == "" || *isbotPath == "" || *out == "" {
		fatal("usage: gen -cua FILE -isbot FILE -header TEXT -o FILE")
	}
	var entries []cuaEntry
	b, err := os.ReadFile(*cuaPath)
	if err == nil {
		err = json.Unmarshal(b, &entries)
	}
	if err != nil {
		fatal(err.Error())
	}
	isb, err := os.ReadFile(*isbotPath)
	if err != nil {
		fatal(err.Error())
	}
	byClass := map[string][]string{}
	seen := map[string]bool{}
	add := func(class, g string) {
		if !seen[g] {
			seen[g] = true
			byClass[class] = append(byClass[class], g)
		}
	}
	var problems, notes []string
	// Examples another entry's strict (word-boundary) patterns already catch
	// need no relaxing: "RankSonicSiteAuditor" must not turn "Sonic" into
	// "*sonic", which matches Panasonic TVs.
	strict := &botlist.Set{}
	var strictSrc strings.Builder
	for _, e := range entries {
		if _, drop := cuaDrop[e.Pattern]; drop {
			continue
		}
		if globs, err := toGlobs(e.Pattern); err == nil {
			strictSrc.WriteString(strings.Join(globs, "\n") + "\n")
		}
	}
	if err := strict.Add("strict", strictSrc.String(), botlist.PrioGenerated); err != nil {
		fatal(err.Error())
	}
	for _, e := range entries {
		if why, ok := cuaDrop[e.Pattern]; ok {
			notes = append(notes, fmt.Sprintf("crawler-user-agents %q left out: %s", e.Pattern, why))
			continue
		}
		globs, err := cuaGlobs(e, strict)
		if err != nil {
			problems = append(problems, fmt.Sprintf("crawler-user-agents %q: %v", e.Pattern, err))
			continue
		}
		class := "crawler"
		if len(e.Tags) > 0 && tagClass[e.Tags[0]] != "" {
			class = tagClass[e.Tags[0]]
		}
		for _, g := range globs {
			add(class, g)
		}
	}
	for _, src := range strings.Split(strings.TrimSpace(string(isb)), "\n") {
		globs, why, err := isbotGlobs(src)
		if err != nil {
			problems = append(problems, fmt.Sprintf("isbot %q: %v (translate it in isbotHand)", src, err))
			continue
		}
		if why != "" {
			notes = append(notes, fmt.Sprintf("isbot %q left out: %s", src, why))
		}
		for _, g := range globs {
			add(classFor(g), g)
		}
	}
	if len(problems) > 0 {
		fatal(strings.Join(problems, "\n"))
	}
	var w strings.Builder
	w.WriteString("# GENERATED by scripts/gen-crawlers.sh (uaparse/internal/gen); DO NOT EDIT.\n")
	w.WriteString("# Corrections and additions belong in crawlers.txt, which wins over this file.\n#\n")
	for _, l := range strings.Split(strings.TrimSpace(*header), "\n") {
		w.WriteString("# " + l + "\n")
	}
	w.WriteString("#\n")
	sort.Strings(notes)
	for _, n := range notes {
		w.WriteString("# " + n + "\n")
	}
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		sort.Strings(byClass[c])
		fmt.Fprintf(&w, "\n[%s]\n%s\n", c, strings.Join(byClass[c], "\n"))
	}
	if _, err := botlist.Compile(w.String(), botlist.PrioGenerated); err != nil {
		fatal("generated list does not compile: " + err.Error())
	}
	if err := os.WriteFile(*out, []byte(w.String()), 0o644); err != nil {
		fatal(err.Error())
	}
}

// cuaGlobs converts one entry and relaxes word boundaries until every
// example its regular expression matches is matched again.
func cuaGlobs(e cuaEntry, strict *botlist.Set) ([]string, error) {
	if h, ok := cuaHand[e.Pattern]; ok {
		return h, nil
	}
	globs, err := toGlobs(e.Pattern)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(e.Pattern)
	if err != nil {
		return nil, err
	}
	var examples []string
	for _, ua := range e.Instances {
		if !re.MatchString(ua) {
			continue
		}
		if own, _ := botlist.Compile(strings.Join(globs, "\n"), botlist.PrioGenerated); own.Match(lower(ua)) == "" && strict.Match(lower(ua)) != "" {
			continue // caught by another entry
		}
		examples = append(examples, ua)
	}
	for _, relax := range []func(string) string{
		func(g string) string { return g },
		func(g string) string { return starTrail(g) },
		func(g string) string { return starLead(g) },
		func(g string) string { return starLead(starTrail(g)) },
	} {
		var cand []string
		for _, g := range globs {
			cand = append(cand, relax(g))
		}
		if coversAll(cand, examples) {
			return cand, nil
		}
	}
	return nil, fmt.Errorf("converted globs %q miss examples even without word boundaries", globs)
}

func lower(ua string) []byte { return botlist.Lower(make([]byte, len(ua)), ua) }

func starLead(g string) string {
	if strings.HasPrefix(g, "^") || strings.HasPrefix(g, "*") {
		return g
	}
	return "*" + g
}

func starTrail(g string) string {
	if strings.HasSuffix(g, "$") || strings.HasSuffix(g, "*") {
		return g
	}
	return g + "*"
}

func coversAll(globs, uas []string) bool {
	var ps []*botlist.Pattern
	for _, g := range globs {
		p, err := botlist.ParsePattern(g)
		if err != nil {
			return false
		}
		ps = append(ps, p)
	}
	for _, ua := range uas {
		ok := false
		for _, p := range ps {
			if p.MatchString(ua) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

var plain = regexp.MustCompile(`^\^?[a-z0-9 ./:;,_@!'&=+-]+$`)

// isbotGlobs converts one isbot pattern: plain words keep their stem
// meaning ("crawl" matches "crawler") but must start a word.
func isbotGlobs(src string) (globs []string, why string, err error) {
	if h, ok := isbotHand[src]; ok {
		if h.globs == nil && h.reason == "" {
			return nil, "", fmt.Errorf("empty hand translation")
		}
		return h.globs, h.reason, nil
	}
	if plain.MatchString(src) && !strings.Contains(src, ".") {
		g := strings.TrimSpace(strings.TrimPrefix(src, "^"))
		if strings.HasPrefix(src, "^") {
			g = "^" + g
		}
		return []string{starTrail(g)}, "", nil
	}
	globs, err = toGlobs(src)
	return globs, "", err
}

func classFor(g string) string {
	for _, k := range isbotClass {
		if strings.HasPrefix(k.kw, "^") && strings.HasPrefix(g, k.kw) || strings.Contains(g, k.kw) {
			return k.class
		}
	}
	return "other"
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "gen:", msg)
	os.Exit(1)
}
