package stats

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSummary builds the e-mail summary of the fixture's day on each
// engine: every number is the API's answer for the same question.
func TestSummary(t *testing.T) {
	for _, engine := range []string{"chdb", "clickhouse"} {
		t.Run(engine, func(t *testing.T) {
			s := openStore(t, engine)
			writeFixture(t, s)
			api, err := New(Config{Store: s, Now: func() time.Time { return fixNow }})
			if err != nil {
				t.Fatal(err)
			}
			from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
			sum, err := api.Summary(context.Background(), "G-CMP", from, from.AddDate(0, 0, 1))
			if err != nil {
				t.Fatal(err)
			}
			// G-CMP: 30 visitors and 60 page views, 20 and 50 the day before.
			v := sum.Totals[0]
			if v.Name != "visitors" || v.Value != int64(30) || v.Previous != int64(20) || v.Change != 50.0 {
				t.Errorf("visitors %+v", v)
			}
			if got := sum.Subject(); got != "consentproxy: G-CMP, 2026-03-10 – 2026-03-10: 30 visitors" {
				t.Errorf("subject %q", got)
			}
			sum, err = api.Summary(context.Background(), site, from, from.AddDate(0, 0, 1))
			if err != nil {
				t.Fatal(err)
			}
			text, err := sum.Text()
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range []string{
				"G-STATS, 2026-03-10 to 2026-03-10 (UTC)",
				"Visitors                                    41\n",
				"Bounce rate                                 47.2 %\n",
				"GA4 coverage (visitors GA4 received)        76 %\n",
				"  /                                         28\n",
				"  google.com                                12\n",
				"  signup                                    13, 52 %\n",
				"  pricing                                   9, 36 %\n",
			} {
				if !strings.Contains(text, line) {
					t.Errorf("text lacks %q:\n%s", line, text)
				}
			}
			html, err := sum.HTML()
			if err != nil || !strings.Contains(html, "<b>41</b>") || !strings.Contains(html, ">signup</td>") {
				t.Errorf("html (%v):\n%s", err, html)
			}
		})
	}
}
