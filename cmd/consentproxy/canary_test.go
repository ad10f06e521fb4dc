package main

import (
	"bytes"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// canaryIP is a public address (TEST-NET-2) that only the canary test uses.
// Google may learn its /24 (canaryIPTruncated); nothing stored or logged may
// hold either form.
const (
	canaryIP          = "198.51.100.203"
	canaryIPTruncated = "198.51.100.0"
)

// canary holds one run's marker: every identifier the canary hits carry
// contains it, so one search finds any of them wherever it leaked.
type canary struct {
	marker string
	ua     string // a real browser UA with the marker inside its comment
}

func newCanary(t testing.TB) canary {
	m := uniqueName(t, "CANARY")
	return canary{
		marker: m,
		ua:     "Mozilla/5.0 (X11; Linux x86_64; " + m + "ua) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	}
}

// forbidden lists what must appear nowhere: the marker (any case: dims
// are lower-cased), the visitor's address in full and truncated, the UA.
func (c canary) forbidden() []string {
	return []string{strings.ToLower(c.marker), canaryIP, canaryIPTruncated, strings.ToLower(c.ua)}
}

// leaks returns the forbidden strings found in data.
func (c canary) leaks(data []byte) []string {
	lower := bytes.ToLower(data)
	var out []string
	for _, f := range c.forbidden() {
		if bytes.Contains(lower, []byte(f)) {
			out = append(out, f)
		}
	}
	return out
}

// send sends the canary hits and returns how many events should reach the
// breakdown tables (consented and unconsented ones; not the DNT, bot and
// invalid hits, which carry markers too).
func (c canary) send(t testing.TB, cl *client) int {
	t.Helper()
	m := c.marker
	granted := cl.consent(true, false, siteA)
	b := browser{IP: canaryIP, UA: c.ua, Lang: "en-US," + m + "lang;q=0.5", Country: "NL", Cookie: granted}
	page := "https://site.example/canary-page?q=" + m + "dlq&gclid=" + m + "gclid&sid=" + m + "#" + m + "frag"
	ref := "https://ref.example.net/" + m + "refpath?x=" + m + "refq#" + m
	cl.mustCollect(b, hit(siteA, m+"cid.1", "page_view", page,
		"dr", ref, "dt", m+"title", "uid", m+"uid", "_uip", m+"uip", "uip", canaryIP,
		"ep.search_term", m+"ep", "ep.contact", m+"@example.com", "up.plan", m+"up", "upn.age", "42", "sid", m+"sid"))
	cl.mustCollect(b, hit(siteA, m+"cid.1", "search", page, "ep.search_term", m+"ep2", "dt", m+"title2"))
	// Without consent (counted by default), two events in one POST.
	noCookie := b
	noCookie.Cookie = "_ga=" + m + "ga"
	cl.mustCollect(noCookie, url.Values{"v": {"2"}, "tid": {siteA}, "cid": {m + "cid.2"}, "uid": {m + "uid2"}},
		url.Values{"en": {"page_view"}, "dl": {page}, "dt": {m + "title3"}, "dr": {ref}},
		url.Values{"en": {"click"}, "dl": {page}, "ep.link_url": {"https://out.example/" + m + "?t=" + m}})
	// Not countable, markers all the same.
	dnt := b
	dnt.Header = map[string]string{"DNT": "1"}
	cl.mustCollect(dnt, hit(siteA, m+"cid.3", "page_view", page, "dt", m+"title4"))
	bot := b
	bot.UA = m + "bot/1.0 (+https://crawler.example/" + m + ")"
	cl.mustCollect(bot, hit(siteA, m+"cid.4", "page_view", page))
	cl.collect(b, hit("G-"+strings.ToUpper(m[6:16]), m+"cid.5", "page_view", page))
	cl.do("GET", "/g/collect?v=2&tid="+siteA+"&cid="+m+"&dl=%zz"+m, b.headers(), "")
	cl.do("GET", "/g/collect/"+m+"?cid="+m, b.headers(), "")
	cl.do("POST", "/consent?x="+m, b.headers(), `{"analytics":"`+m+`"}`)
	return 4
}

// TestCanary sends hits whose identifiers carry a unique marker, then
// searches every table, the logs and the data directory for it.
func TestCanary(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			d := freshDB(t, engine)
			m := mustRunMainOn(t, d, nil)
			r := rigOf(t, m)
			c := newCanary(t)
			countable := c.send(t, r.client)
			if err := r.close(t); err != nil {
				t.Fatalf("Close: %v", err)
			}

			s := d.open(t)
			defer s.Close()
			dump := dumpDatabase(t, s, d.Database)
			for table, text := range dump {
				if leaks := c.leaks([]byte(text)); len(leaks) > 0 {
					t.Errorf("table %s holds %q:\n%s", table, leaks, text)
				}
			}
			// The hits were counted, or the search above proved nothing.
			res := storeQuerier(s)(t, []string{
				"SELECT sum(events) AS ev FROM totals FINAL WHERE site = '" + siteA + "'",
				"SELECT sum(pageviews) AS pv FROM pages FINAL WHERE path = '/canary-page'",
				"SELECT uniqArrayMerge(visitors) AS u FROM devices FINAL WHERE browser = 'Chrome' AND os = 'Linux'",
			})
			for i, want := range []string{strconv.Itoa(countable), "2", "1"} {
				if got := cell(res[i]); got != want {
					t.Errorf("canary hits not counted as expected: %v = %s, want %s", res[i].Columns, got, want)
				}
			}

			logs := r.logs.String()
			if logs == "" {
				t.Error("no log output captured: the log check would prove nothing")
			}
			if leaks := c.leaks([]byte(logs)); len(leaks) > 0 {
				t.Errorf("logs hold %q:\n%s", leaks, logs)
			}
			scanFiles(t, c, m.Config.DataDir, "secret")
			if engine == engineChdb {
				scanFiles(t, c, strings.TrimPrefix(d.DSN, "chdb://"), "")
			}

			// Google may receive the truncated address, never the full one.
			var up strings.Builder
			for _, q := range r.up.requests() {
				up.WriteString(q.URI + "\n" + q.Body + "\n")
			}
			if !strings.Contains(up.String(), "_uip="+canaryIPTruncated) || strings.Contains(up.String(), canaryIP) {
				t.Errorf("upstream should see _uip=%s and never %s:\n%s", canaryIPTruncated, canaryIP, up.String())
			}
		})
	}
}

// dumpDatabase returns every table of db as text, all columns (uniq states
// as their raw bytes), one row per line.
func dumpDatabase(t testing.TB, s consentproxy.Store, db string) map[string]string {
	t.Helper()
	ctx, cancel := testContext(time.Minute)
	defer cancel()
	tables, err := s.Query(ctx, "SELECT name FROM system.tables WHERE database = ? ORDER BY name", db)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	if len(tables.Rows) < len(consentproxy.Tables()) {
		t.Fatalf("database %s lists only %d tables", db, len(tables.Rows))
	}
	out := map[string]string{}
	for _, row := range tables.Rows {
		// Every column; a uniq state as its raw bytes (toString), since
		// clickhouse-go cannot decode AggregateFunction columns.
		cols, err := s.Query(ctx, "SELECT name, type FROM system.columns WHERE database = ? AND table = ?", db, row[0])
		if err != nil || len(cols.Rows) == 0 {
			t.Fatalf("columns of %s: %d, %v", row[0], len(cols.Rows), err)
		}
		var list []string
		for _, c := range cols.Rows {
			if strings.HasPrefix(c[1], "AggregateFunction(") {
				list = append(list, "toString("+c[0]+") AS "+c[0])
			} else {
				list = append(list, c[0])
			}
		}
		res, err := s.Query(ctx, "SELECT "+strings.Join(list, ", ")+" FROM "+db+"."+row[0])
		if err != nil {
			t.Fatalf("dump %s: %v", row[0], err)
		}
		var b strings.Builder
		for _, r := range res.Rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
		out[row[0]] = b.String()
	}
	return out
}

// scanFiles searches every file under dir (except the one named skip) for
// the canary.
func scanFiles(t testing.TB, c canary, dir, skip string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		// Symlinks (chDB links tables into data/) lead to files walked anyway.
		if err != nil || !e.Type().IsRegular() || (skip != "" && e.Name() == skip) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if leaks := c.leaks(b); len(leaks) > 0 {
			t.Errorf("file %s holds %q", path, leaks)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	t.Logf("scanned %d files under %s", n, dir)
}

func cell(r consentproxy.Result) string {
	if len(r.Rows) != 1 || len(r.Rows[0]) != 1 {
		return "(no single value)"
	}
	return r.Rows[0][0]
}
