package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/uaparse/corpora"
)

// Committed lists, relative to the repository root (where corpusreport is
// meant to be run, like the default -corpora).
const (
	monitorsTSV = "uaparse/testdata/monitors.tsv"
	agentsTSV   = "uaparse/testdata/agents.tsv"
)

// reportUA prints, per corpus, what uaparse gets right and wrong: bot
// recall with the patterns or vendors none of whose examples was caught,
// browsers flagged as bots, browser/OS/device agreement, and parse cost.
// The tests assert floors on the same numbers (uaparse/corpus_test.go).
func reportUA(w io.Writer, dir string) error {
	var uncached *uaparse.Parser // a nil Parser parses without its cache
	parse := corpora.Parse(uncached.Parse)
	fmt.Fprintf(w, "user agents (uaparse), %s, corpora in %s\n", time.Now().UTC().Format("2006-01-02"), dir)

	bots, err := corpora.Crawlers(dir)
	if err != nil {
		return err
	}
	r, missed := corpora.Recall(bots, parse)
	fmt.Fprintf(w, "\ncrawler-user-agents: %d bot UAs\n  bot recall %s\n", r.Den, uaPct(r))
	fmt.Fprintf(w, "  patterns with no example caught: %d %s\n", len(missed), uaList(missed))
	printClasses(w, bots, parse)

	if mons, err := corpora.Monitors(monitorsTSV); err == nil {
		r, missed := corpora.Recall(mons, parse)
		fmt.Fprintf(w, "\nmonitors (%s): %d UAs\n  recall %s\n  vendors with none caught: %d %s\n", monitorsTSV, r.Den, uaPct(r), len(missed), uaList(missed))
	} else {
		fmt.Fprintf(w, "\nmonitors: %v (run from the repository root)\n", err)
	}

	browsers, err := corpora.Browsers(dir)
	if err != nil {
		return err
	}
	ref, err := corpora.UAPCore(dir)
	if err != nil {
		return err
	}
	labeled := ref.Labeled(browsers)
	fmt.Fprintf(w, "\nuser-agents (real browsers, families labeled by uap-core's regexes): %d UAs\n", len(browsers))
	printFlags(w, labeled, parse)
	printAgree(w, "browser family", labeled, parse, func(a consentproxy.Agent) string { return a.Browser }, corpora.WantBrowser)
	printAgree(w, "OS", labeled, parse, func(a consentproxy.Agent) string { return a.OS }, corpora.WantOS)
	printAgree(w, "device class", labeled, parse, func(a consentproxy.Agent) string { return a.Device }, corpora.WantDevice)

	uaFix, err := corpora.UAParserBrowsers(dir)
	if err != nil {
		return err
	}
	osFix, err := corpora.UAParserOS(dir)
	if err != nil {
		return err
	}
	devFix, err := corpora.UAParserDevices(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nua-parser fixtures (test_user_agent_parser.yaml: %d, _os.yaml: %d, test_device.yaml: %d)\n", len(uaFix), len(osFix), len(devFix))
	printFlags(w, uaFix, parse)
	r, _ = corpora.Recall(append(append([]corpora.Case{}, uaFix...), devFix...), parse)
	fmt.Fprintf(w, "  bot recall on their bot families (Spider, *Bot, CFNetwork, …) %s\n", uaPct(r))
	printAgree(w, "browser family", uaFix, parse, func(a consentproxy.Agent) string { return a.Browser }, corpora.WantBrowser)
	printAgree(w, "OS", osFix, parse, func(a consentproxy.Agent) string { return a.OS }, corpora.WantOS)

	if tsv, err := readAgentsTSV(agentsTSV); err == nil {
		fmt.Fprintf(w, "\n%s: %d UAs\n", agentsTSV, len(tsv))
		printFlags(w, tsv, parse)
	}

	mix := make([]string, 0, len(bots)+len(browsers))
	for _, c := range browsers {
		mix = append(mix, c.UA)
	}
	for _, c := range bots {
		mix = append(mix, c.UA)
	}
	ns, allocs := cost(mix)
	fmt.Fprintf(w, "\nparse cost over the %d-UA mix (browsers + bots): uncached %.0f ns/op, cached %.2f allocs/op (budget 10000 ns, 0 allocs)\n", len(mix), ns, allocs)
	return nil
}

func uaPct(r corpora.Ratio) string {
	return fmt.Sprintf("%.2f%% (%d/%d)", 100*r.Rate(), r.Num, r.Den)
}

func uaList(s []string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > 20 {
		return "(" + strings.Join(s[:20], ", ") + ", …)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func printClasses(w io.Writer, cases []corpora.Case, parse corpora.Parse) {
	n := map[string]int{}
	for _, c := range cases {
		if a := parse(c.UA); a.Bot {
			n[a.BotClass]++
		}
	}
	var parts []string
	for _, cl := range consentproxy.BotClasses() {
		parts = append(parts, fmt.Sprintf("%s %d", cl, n[cl]))
	}
	fmt.Fprintf(w, "  classes: %s\n", strings.Join(parts, ", "))
}

func printFlags(w io.Writer, cases []corpora.Case, parse corpora.Parse) {
	r, flagged := corpora.FalsePositives(cases, parse)
	fmt.Fprintf(w, "  browsers flagged as bots %s\n", uaPct(r))
	for i, ua := range flagged {
		if i == 5 {
			break
		}
		fmt.Fprintf(w, "    %s: %q\n", parse(ua).BotClass, ua)
	}
}

func printAgree(w io.Writer, what string, cases []corpora.Case, parse corpora.Parse, got func(consentproxy.Agent) string, want func(corpora.Case) (string, bool)) {
	r, dis := corpora.Agree(cases, parse, got, want)
	fmt.Fprintf(w, "  %s agreement %s\n", what, uaPct(r))
	for i, d := range dis {
		if i == 3 {
			break
		}
		fmt.Fprintf(w, "    want %q got %q: %d, e.g. %q\n", d.Want, d.Got, d.N, d.Example)
	}
}

// cost measures the uncached parse (a fresh nil Parser each call) and the
// allocations of a cached one, by MemStats over many calls.
func cost(mix []string) (nsPerOp, allocsPerOp float64) {
	var uncached *uaparse.Parser
	const rounds = 20
	start := time.Now()
	for r := 0; r < rounds; r++ {
		for _, ua := range mix {
			uncached.Parse(ua)
		}
	}
	nsPerOp = float64(time.Since(start).Nanoseconds()) / float64(rounds*len(mix))

	p := uaparse.New(len(mix) * 2)
	for _, ua := range mix {
		p.Parse(ua)
	}
	var hot []string // the UAs the cache kept (a full set evicts a few)
	for _, ua := range mix {
		h0, _ := p.Stats()
		p.Parse(ua)
		if h1, _ := p.Stats(); h1 > h0 {
			hot = append(hot, ua)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, ua := range hot {
		p.Parse(ua)
	}
	runtime.ReadMemStats(&after)
	return nsPerOp, float64(after.Mallocs-before.Mallocs) / float64(len(hot))
}

// readAgentsTSV reads the committed corpus's UA and bot columns.
func readAgentsTSV(path string) ([]corpora.Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []corpora.Case
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(sc.Text(), "#") || len(cols) != 7 {
			continue
		}
		out = append(out, corpora.Case{UA: cols[0], Bot: cols[6] == "yes"})
	}
	return out, sc.Err()
}
