package stats

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// readmeSQL returns the statements of docs/storage.md's "Worked
// statements" block, placed on the fixture: its site and its day instead of the
// examples' placeholders.
func readmeSQL(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../docs/storage.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "### Worked statements")
	if !ok {
		t.Fatal("docs/storage.md has no Worked statements section")
	}
	_, block, ok := strings.Cut(after, "```sql\n")
	if !ok {
		t.Fatal("no sql block under Worked statements")
	}
	block, _, _ = strings.Cut(block, "```")
	r := strings.NewReplacer(
		"'G-XXXXXXX'", "'"+site+"'",
		"toStartOfDay(now()) - INTERVAL 7 DAY", "'2026-03-04 00:00:00'",
		"'2026-11-01 00:00:00'", "'2026-03-01 00:00:00'", "'2026-12-01 00:00:00'", "'2026-04-01 00:00:00'",
		"'2025-12-01'", "'2025-04-01'", "'2026-12-01'", "'2026-04-01'",
		"'spring-sale'", "'spring'", "hour >= today()", "hour >= '2026-03-10 00:00:00'",
		"consentproxy.", "")
	out := map[string]string{}
	for _, stmt := range strings.Split(block, ";") {
		var name string
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(stmt), "\n") {
			if c, ok := strings.CutPrefix(l, "-- "); ok && name == "" {
				name = c
				continue
			}
			lines = append(lines, l)
		}
		if name != "" {
			out[name] = r.Replace(strings.Join(lines, "\n"))
		}
	}
	if len(out) < 5 {
		t.Fatalf("found %d statements in docs/storage.md's sql block", len(out))
	}
	return out
}

// TestREADMESQLMatchesAPI runs the worked SQL of docs/storage.md (once the README's) on both engines
// (after rolling the fixture up, as production does) and compares it with
// the API's answers for the same questions, suppression off.
func TestREADMESQLMatchesAPI(t *testing.T) {
	stmts := readmeSQL(t)
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			s := openStore(t, engine)
			writeFixture(t, s)
			if err := s.(consentproxy.Rollups).Rollup(context.Background(), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), 1); err != nil {
				t.Fatal(err)
			}
			app := newApp(t, Config{Store: s, MinCount: 1, Now: func() time.Time { return fixNow }})
			sql := func(name string) [][]string {
				t.Helper()
				q, ok := stmts[name]
				if !ok {
					t.Fatalf("docs/storage.md example %q is gone", name)
				}
				res, err := s.Query(context.Background(), q)
				if err != nil {
					t.Fatalf("docs/storage.md example %q: %v\n%s", name, err, q)
				}
				return res.Rows
			}
			api := func(body string) [][]string {
				t.Helper()
				a := post(t, app, body)
				if a.status != 200 {
					t.Fatalf("API %s: %d %s", body, a.status, a.body)
				}
				var rs []Result
				if err := json.Unmarshal([]byte(a.results), &rs); err != nil {
					t.Fatal(err)
				}
				var out [][]string
				for _, r := range rs {
					row := slices.Clone(r.Dimensions)
					for _, m := range r.Metrics {
						row = append(row, strconv.FormatFloat(m.(float64), 'f', -1, 64))
					}
					out = append(out, row)
				}
				return out
			}
			same := func(what string, a, b [][]string) {
				t.Helper()
				sortRows := func(r [][]string) [][]string {
					r = slices.Clone(r)
					slices.SortFunc(r, slices.Compare)
					return r
				}
				if !slices.EqualFunc(sortRows(a), sortRows(b), slices.Equal) {
					t.Errorf("%s:\ndocs SQL   %q\nAPI        %q", what, a, b)
				}
			}
			same("top pages", sql("top pages last week: visitors per UTC day, summed (as the API counts them)"),
				api(`{"site":"`+site+`","date_range":["2026-03-04","2026-03-10"],"metrics":["pageviews","visitors"],"dimensions":["page"]}`))
			same("visitors per day", sql("unique visitors per day over a range (or read totals_daily: start, sum(visitors))"),
				api(`{"site":"`+site+`","date_range":["2026-03-01","2026-03-31"],"metrics":["visitors","pageviews"],"dimensions":["time:day"]}`))
			same("visitors per month", sql("visitors and views per month over a year, from the monthly rollup"),
				api(`{"site":"`+site+`","date_range":["2025-04-01","2026-03-31"],"metrics":["visitors","pageviews"],"dimensions":["time:month"]}`))
			var refused [][]string
			for _, r := range sql("what the proxy decided, and why") {
				if slices.Contains(suppressedReasons, r[0]) {
					refused = append(refused, r)
				}
			}
			same("suppressed by reason", refused,
				api(`{"site":"`+site+`","date_range":["2026-03-10","2026-03-10"],"metrics":["suppressed"],"dimensions":["suppression_reason"]}`))
			if rows := sql("sources of one campaign"); len(rows) != 1 || rows[0][0] != "newsletter.example" || rows[0][4] != "5" {
				t.Errorf("sources of one campaign: %q, want the newsletter's 5 visits", rows)
			}
		})
	}
}
