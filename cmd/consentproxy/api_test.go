package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const apiToken = "api-test-token-0123456789abcdef"

// TestAPI: the marketing API of the real Main answers with the numbers the
// known mix produced, on both engines, and only to a token for the site.
func TestAPI(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: test\n    token: "+apiToken+"\n    sites: ["+siteA+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			d := freshDB(t, engine)
			m := mustRunMainOn(t, d, func(c *Config) {
				raw := newRawConfig()
				if err := raw.parse([]string{"--measurement-ids", siteA, "--api-tokens", "@" + tokens}, func(string) (string, bool) { return "", false }); err != nil {
					t.Fatal(err)
				}
				parsed, errs := raw.validate()
				if len(errs) > 0 {
					t.Fatal(errs)
				}
				c.APITokens = parsed.APITokens
				c.MinCount = 1 // the mix is small; suppression has its own tests in stats/
			})
			r := rigOf(t, m)
			avoidMidnight(t, 0)
			sendMix(t, r.client)
			if err := m.Flusher.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			query := `{"site":"` + siteA + `","metrics":["pageviews","visitors"],"dimensions":["page"],"date_range":"today","timezone":"UTC","order_by":[["pageviews","desc"]]}`
			auth := map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": "application/json"}
			status, body, _ := r.client.do("POST", "/api/v1/query", auth, query)
			if status != http.StatusOK {
				t.Fatalf("query: %d %s", status, body)
			}
			var res struct {
				Results []struct {
					Dimensions []string  `json:"dimensions"`
					Metrics    []float64 `json:"metrics"`
				} `json:"results"`
			}
			if err := json.Unmarshal([]byte(body), &res); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			got := map[string][2]float64{}
			for _, row := range res.Results {
				got[row.Dimensions[0]] = [2]float64{row.Metrics[0], row.Metrics[1]}
			}
			// The same numbers as the pages table of wantMix (TestTotals).
			want := map[string][2]float64{"/pricing": {3, 3}, "/signup": {1, 1}, "/blog/post-1": {1, 1}, "/": {1, 1}}
			if len(got) != len(want) {
				t.Fatalf("pages %v, want %v", got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %v, want %v", k, got[k], v)
				}
			}
			// No token, a wrong token, another site.
			for _, c := range []struct {
				auth, site string
				status     int
			}{{"", siteA, 401}, {"Bearer wrong-wrong-wrong-wrong-wrong", siteA, 401}, {"Bearer " + apiToken, siteB, 403}} {
				h := map[string]string{"Content-Type": "application/json"}
				if c.auth != "" {
					h["Authorization"] = c.auth
				}
				q := strings.Replace(query, siteA, c.site, 1)
				if status, body, _ := r.client.do("POST", "/api/v1/query", h, q); status != c.status {
					t.Errorf("auth %q site %s: %d %s, want %d", c.auth, c.site, status, body, c.status)
				}
			}
			if strings.Contains(r.logs.String(), apiToken) {
				t.Error("the token reached the log")
			}
		})
	}
}
