package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/aggregate"
)

// TestDemoGoals: --demo without --goals counts the demo shop's goals and
// funnel, in the generated history too (the funnel's first step is the
// product goal's visits, its second at most the checkout's); with --goals
// the operator's goals stand.
func TestDemoGoals(t *testing.T) {
	goals, funnels := demoGoals()
	if err := aggregate.CheckGoals(goals, funnels, nil); err != nil {
		t.Fatalf("the demo's goals: %v", err)
	}
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: test\n    token: "+apiToken+"\n    sites: [\"*\"]\n    rate_per_minute: 6000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var dataDir string
	m := mustRunMainOn(t, freshDB(t, engineChdb), func(c *Config) {
		c.Demo = true
		c.APITokens, _ = apiTokensFrom(t, tokens)
		dataDir = c.DataDir
	})
	if !slices.EqualFunc(m.Config.Goals, goals, func(a, b aggregate.Goal) bool { return a.Name == b.Name && a.Page == b.Page }) ||
		len(m.Config.Funnels) != 1 || m.Config.Funnels[0].Name != "buy" {
		t.Fatalf("--demo without --goals: goals %+v, funnels %+v", m.Config.Goals, m.Config.Funnels)
	}
	r := rigOf(t, m)
	eventually(t, 60*time.Second, "the history is written", func() bool {
		_, err := os.Stat(filepath.Join(dataDir, "demo-history"))
		return err == nil
	})
	ask := func(q string) [][]any {
		t.Helper()
		status, body, _ := r.do("POST", "/api/v1/query", map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": "application/json"},
			`{"site":"`+siteA+`","date_range":"7d","timezone":"UTC",`+q+`}`)
		var res struct {
			Results []struct {
				Dimensions []string `json:"dimensions"`
				Metrics    []any    `json:"metrics"`
			} `json:"results"`
		}
		if status != http.StatusOK || json.Unmarshal([]byte(body), &res) != nil {
			t.Fatalf("query %s: %d %s", q, status, body)
		}
		var out [][]any
		for _, x := range res.Results {
			row := []any{strings.Join(x.Dimensions, "/")}
			out = append(out, append(row, x.Metrics...))
		}
		return out
	}
	visits := map[string]float64{}
	for _, row := range ask(`"metrics":["visits"],"dimensions":["goal"]`) {
		visits[row[0].(string)] = row[1].(float64)
	}
	if visits["product"] < 100 || visits["checkout"] < 10 || visits["checkout"] >= visits["product"] {
		t.Errorf("a week of the demo's goals: visits %v, want product's over 100 and checkout's fewer", visits)
	}
	steps := ask(`"metrics":["visits"],"dimensions":["funnel","funnel_step","goal"],"order_by":[["funnel_step","asc"]]`)
	if len(steps) != 2 || steps[0][0] != "buy/1/product" || steps[1][0] != "buy/2/checkout" ||
		steps[0][1].(float64) != visits["product"] || steps[1][1].(float64) > visits["checkout"] || steps[1][1].(float64) < 1 {
		t.Errorf("the buy funnel %v, goals' visits %v", steps, visits)
	}
	t.Logf("a week of the demo: goals' visits %v, funnel %v", visits, steps)

	own := mustRunMainOn(t, freshDB(t, engineChdb), func(c *Config) {
		c.Demo = true
		c.Goals = []aggregate.Goal{{Name: "signup", Event: "sign_up"}}
	})
	if len(own.Config.Goals) != 1 || own.Config.Goals[0].Name != "signup" || len(own.Config.Funnels) != 0 {
		t.Errorf("--demo with --goals: goals %+v, funnels %+v; want the operator's alone", own.Config.Goals, own.Config.Funnels)
	}
}
