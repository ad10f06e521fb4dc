package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/consentproxy/consentproxy/aggregate"
)

// TestGoalsConfig: --goals and --funnels as inline YAML or JSON, @file, the
// environment and the config file all give the same goals, sorted by name;
// every mistake is refused with a message that names the flag and the
// mistake, on one line (--check-config prints one line per problem).
func TestGoalsConfig(t *testing.T) {
	const goalsYAML = "signup: {event: sign_up}\npricing: {page: /pricing}\nthanks: {page: \"/**/thanks\", sites: [G-ABC123]}\n"
	const funnelsYAML = "checkout: {steps: [pricing, signup]}\n"
	want := []aggregate.Goal{
		{Name: "pricing", Page: "/pricing"},
		{Name: "signup", Event: "sign_up"},
		{Name: "thanks", Page: "/**/thanks", Sites: []string{"G-ABC123"}},
	}
	wantF := []aggregate.Funnel{{Name: "checkout", Steps: []string{"pricing", "signup"}}}
	ids := "--measurement-ids=G-ABC123"
	gf, ff := writeFile(t, "goals.yaml", goalsYAML), writeFile(t, "funnels.yaml", funnelsYAML)
	yml := func(goals, funnels string) string {
		return writeFile(t, "c.yaml", "measurement-ids: [G-ABC123]\ngoals:\n"+indent(goals)+"funnels:\n"+indent(funnels))
	}
	valid := map[string]struct {
		args []string
		env  map[string]string
	}{
		"inline YAML": {args: []string{ids, "--goals=" + goalsYAML, "--funnels=" + funnelsYAML}},
		"inline JSON": {args: []string{ids, `--goals={"thanks": {"page": "/**/thanks", "sites": ["G-ABC123"]}, "signup": {"event": "sign_up"}, "pricing": {"page": "/pricing"}}`,
			`--funnels={"checkout": {"steps": ["pricing", "signup"]}}`}},
		"@file":             {args: []string{ids, "--goals=@" + gf, "--funnels=@" + ff}},
		"environment":       {args: []string{ids}, env: map[string]string{EnvName("goals"): goalsYAML, EnvName("funnels"): "@" + ff}},
		"config file":       {args: []string{"--config=" + yml(goalsYAML, funnelsYAML)}},
		"config file @file": {args: []string{"--config=" + writeFile(t, "c.yaml", "measurement-ids: G-ABC123\ngoals: \"@"+gf+"\"\nfunnels: \"@"+ff+"\"\n")}},
		"flag over file":    {args: []string{"--config=" + yml("x: {event: x}\n", "{}\n"), "--goals=@" + gf, "--funnels=@" + ff}},
	}
	for name, c := range valid {
		cfg, errs, err := parseConfig(t, c.args, c.env)
		if err != nil || len(errs) > 0 {
			t.Errorf("%s: %v %v", name, err, errs)
			continue
		}
		if !reflect.DeepEqual(cfg.Goals, want) || !reflect.DeepEqual(cfg.Funnels, wantF) {
			t.Errorf("%s: goals %+v funnels %+v, want %+v %+v", name, cfg.Goals, cfg.Funnels, want, wantF)
		}
	}
	// The example config file names the goals of the README.
	cfg, errs, err := parseConfig(t, []string{"--config=" + filepath.Join("testdata", "consentproxy.yaml")}, nil)
	if err != nil || len(errs) > 0 {
		t.Fatalf("testdata/consentproxy.yaml: %v %v", err, errs)
	}
	exGoals := []aggregate.Goal{{Name: "pricing", Page: "/pricing"}, {Name: "signup", Event: "sign_up"}, {Name: "thanks", Page: "/**/thanks"}}
	exFunnels := []aggregate.Funnel{{Name: "checkout", Steps: []string{"pricing", "signup", "thanks"}}}
	if !reflect.DeepEqual(cfg.Goals, exGoals) || !reflect.DeepEqual(cfg.Funnels, exFunnels) {
		t.Errorf("testdata/consentproxy.yaml: goals %+v funnels %+v", cfg.Goals, cfg.Funnels)
	}
	// None given: none, and "" in the file or the environment is none too.
	for _, args := range [][]string{{ids}, {ids, "--goals=", "--funnels= "}, {"--config=" + writeFile(t, "c.yaml", "measurement-ids: G-ABC123\ngoals:\nfunnels: \"\"\n")}} {
		if cfg, errs, err := parseConfig(t, args, nil); err != nil || len(errs) > 0 || cfg.Goals != nil || cfg.Funnels != nil {
			t.Errorf("%v: goals %+v funnels %+v, %v %v", args, cfg.Goals, cfg.Funnels, err, errs)
		}
	}

	// Mistakes: the flag, what is wrong and with which name, one line.
	many := ""
	for i := range aggregate.MaxGoals + 1 {
		many += fmt.Sprintf("g%d: {event: e%d}\n", i, i)
	}
	bad := []struct {
		name, goals, funnels string
		flag                 string   // the flag the message must name
		say                  []string // what it must say
	}{
		{"unknown goal key", "signup: {evnt: sign_up}", "", "goals", []string{"evnt"}},
		{"unknown funnel key", "a: {event: a}\nb: {event: b}", "f: {stps: [a, b]}", "funnels", []string{"stps"}},
		{"bad name", "Sign-Up: {event: sign_up}", "", "goals", []string{`"Sign-Up"`, "a-z, 0-9, _ and -"}},
		{"name too long", strings.Repeat("a", 41) + ": {event: x}", "", "goals", []string{"1 to 40"}},
		{"funnel step no goal", "signup: {event: sign_up}", "checkout: {steps: [signup, nope]}", "funnels", []string{`"checkout"`, `"nope" is not a goal`}},
		{"funnel step elsewhere", "a: {event: a, sites: [G-ABC123]}\nb: {event: b}", "f: {steps: [b, a]}", "funnels", []string{`"f"`, `"a" does not apply`}},
		{"funnel of one step", "a: {event: a}", "f: {steps: [a]}", "funnels", []string{"2 to 8 steps"}},
		{"funnel of nine steps", "a: {event: a}", "f: {steps: [a, a, a, a, a, a, a, a, a]}", "funnels", []string{"2 to 8 steps"}},
		{"pattern without /", "p: {page: pricing}", "", "goals", []string{`"pricing"`, "starts with /"}},
		{"empty segment", "p: {page: /a//b}", "", "goals", []string{`"/a//b"`, "empty path segment"}},
		{"** in a segment", "p: {page: '/a**b'}", "", "goals", []string{`"/a**b"`, "whole segment"}},
		{"event and page", "p: {page: /a, event: a}", "", "goals", []string{`"p"`, "exactly one of event and page"}},
		{"neither", "p: {sites: [G-ABC123]}", "", "goals", []string{`"p"`, "exactly one of event and page"}},
		{"bad event", "p: {event: sign up}", "", "goals", []string{`"sign up"`, "GA4 event name"}},
		{"not a mapping", "- signup", "", "goals", []string{"want {name: {event | page, sites}}"}},
		{"scalar goal", "signup: sign_up", "", "goals", []string{"want {name: {event | page, sites}}"}},
		{"too many goals", many, "", "goals", []string{"65 goals", "at most 64"}},
		{"missing file", "@" + filepath.Join(t.TempDir(), "nope.yaml"), "", "goals", []string{"nope.yaml"}},
	}
	for _, c := range bad {
		for _, where := range []string{"flag", "config file", "config mapping"} {
			var args []string
			switch where {
			case "flag":
				args = []string{ids, "--goals=" + c.goals, "--funnels=" + c.funnels}
			case "config file":
				args = []string{"--config=" + writeFile(t, "c.yaml", "measurement-ids: G-ABC123\ngoals: "+quoteYAML(c.goals)+"\nfunnels: "+quoteYAML(c.funnels)+"\n")}
			case "config mapping":
				if strings.HasPrefix(c.goals, "@") || strings.HasPrefix(c.goals, "-") {
					continue
				}
				args = []string{"--config=" + yml(c.goals, c.funnels)}
			}
			_, errs, err := parseConfig(t, args, nil)
			if err != nil || len(errs) != 1 {
				t.Errorf("%s (%s): want one problem, got %v %q", c.name, where, err, errs)
				continue
			}
			msg := errs[0]
			// A funnel's mistake may be reported under --goals: the two
			// are checked together.
			if !strings.HasPrefix(msg, "--"+c.flag+": ") && !(c.flag == "funnels" && strings.HasPrefix(msg, "--goals: ")) {
				t.Errorf("%s (%s): %q does not start with --%s:", c.name, where, msg, c.flag)
			}
			for _, s := range c.say {
				if !strings.Contains(msg, s) {
					t.Errorf("%s (%s): %q does not say %q", c.name, where, msg, s)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "struct {") {
				t.Errorf("%s (%s): not one clear line: %q", c.name, where, msg)
			}
		}
	}

	// A goal's name may be all digits (a-z, 0-9, _ and -): also as a key
	// of the config file, where YAML reads it as a number.
	for _, args := range [][]string{{ids, "--goals=404: {page: /404}"}, {"--config=" + yml("404: {page: /404}\n", "")}} {
		cfg, errs, err := parseConfig(t, args, nil)
		if err != nil || len(errs) > 0 || len(cfg.Goals) != 1 || cfg.Goals[0].Name != "404" {
			t.Errorf("%v: goals %+v, %v %q", args, cfg.Goals, err, errs)
		}
	}
}

// indent makes lines of YAML the value of a mapping key.
func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// quoteYAML writes s as a double-quoted YAML string.
func quoteYAML(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// TestGoalsOf: the API lists a site's goals and funnels, those limited to
// other sites left out.
func TestGoalsOf(t *testing.T) {
	cfg := Config{
		Goals:   []aggregate.Goal{{Name: "a", Event: "sign_up"}, {Name: "b", Page: "/x", Sites: []string{siteB}}},
		Funnels: []aggregate.Funnel{{Name: "f", Steps: []string{"a", "a"}, Sites: []string{siteA}}},
	}
	g, f := goalsOf(cfg)(siteA)
	if len(g) != 1 || g[0].Name != "a" || g[0].Event != "sign_up" || len(f) != 1 || f[0].Name != "f" {
		t.Errorf("siteA: %+v %+v", g, f)
	}
	g, f = goalsOf(cfg)(siteB)
	if len(g) != 2 || g[1].Page != "/x" || len(f) != 0 {
		t.Errorf("siteB: %+v %+v", g, f)
	}
}
