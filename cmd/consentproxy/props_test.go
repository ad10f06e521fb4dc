package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/stats"
)

// TestPropertiesAndRevenueThroughTheProxy: purchases sent to the real Main
// reach the revenue and event_props tables on both engines, their values
// summed per currency and their plans counted, and a goal narrowed to a
// plan counts only that plan's purchases; the API answers exactly.
func TestPropertiesAndRevenueThroughTheProxy(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			d := freshDB(t, engine)
			tokens := filepath.Join(t.TempDir(), "tokens.yaml")
			if err := os.WriteFile(tokens, []byte("tokens:\n  - name: test\n    token: "+apiToken+"\n    sites: ["+siteA+"]\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			m := runMain(t, []string{"--store=" + d.DSN, "--api-tokens=@" + tokens, "--min-count=1",
				"--event-properties={plan: {values: [free, pro]}}", "--goals={pro: {event: purchase, property: plan, value: pro}}"},
				func(c *Config) {
					if d.Engine == engineChdb {
						c.storeDatabase = d.Database
					}
				})
			r := rigOf(t, m)
			avoidMidnight(t, 30*time.Second)
			day := time.Now().UTC().Format(time.DateOnly)
			granted := r.client.consent(true, false, siteA)
			buy := func(ip, plan, value, cur string) {
				b := browser{IP: ip, UA: uaChromeWin, Lang: "en", Country: "DE", Cookie: granted}
				r.client.mustCollect(b, hit(siteA, "1."+ip, "purchase", "https://site.example/checkout", "ep.plan", plan, "epn.value", value, "cu", cur))
			}
			buy("203.0.113.1", "pro", "49.99", "EUR")
			buy("203.0.113.1", "pro", "10", "EUR") // the same visit's second purchase
			buy("203.0.113.2", "free", "0", "EUR")
			buy("203.0.113.3", "team", "100", "USD")
			ask := func(q string) string {
				t.Helper()
				auth := map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": "application/json"}
				status, resp, _ := r.client.do(http.MethodPost, "/api/v1/query", auth, `{"site":"`+siteA+`","date_range":["`+day+`","`+day+`"],`+q+`}`)
				if status != http.StatusOK {
					t.Fatalf("%s: %d %s", q, status, resp)
				}
				var res stats.Response
				if err := json.Unmarshal([]byte(resp), &res); err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(res.Results)
				return string(b)
			}
			eventually(t, 20*time.Second, "the purchases in the store", func() bool {
				return ask(`"metrics":["purchases"]`) == `[{"dimensions":[],"metrics":[4]}]`
			})
			for q, want := range map[string]string{
				`"metrics":["revenue","purchases","average_order","visitors","visits"],"dimensions":["currency"]`:                                                                      `[{"dimensions":["USD"],"metrics":[100,1,100,1,1]},{"dimensions":["EUR"],"metrics":[59.99,3,20,2,2]}]`,
				`"metrics":["events","visitors"],"dimensions":["property_value"],"filters":[["is","property","plan"],["is","event","purchase"]],"order_by":[["property_value","asc"]]`: `[{"dimensions":["free"],"metrics":[1,1]},{"dimensions":["pro"],"metrics":[2,1]},{"dimensions":["(other)"],"metrics":[1,1]}]`,
				`"metrics":["events","visits","visitors"],"dimensions":["goal"]`:                                                                                                       `[{"dimensions":["pro"],"metrics":[2,1,1]}]`,
			} {
				if got := ask(q); got != want {
					t.Errorf("%s:\n got %s\nwant %s", q, got, want)
				}
			}
		})
	}
}
