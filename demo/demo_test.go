package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// TestGoogle: gtag.js only for its ids, and /g/collect answered 204 with
// every event kept in order (the query's shared parameters first), at most
// maxHits of them, newest first.
func TestGoogle(t *testing.T) {
	g := NewGoogle([]string{"G-DEMO0001"})
	srv := httptest.NewServer(g)
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, js := get("/gtag/js?id=G-DEMO0001"); code != 200 || !strings.Contains(js, "__fakeGtag") {
		t.Errorf("gtag.js: %d", code)
	}
	if code, _ := get("/gtag/js?id=G-OTHER001"); code != 404 {
		t.Errorf("gtag.js for another id: %d, want 404", code)
	}
	resp, err := http.Post(srv.URL+"/g/collect?v=2&tid=G-DEMO0001&dl=http%3A%2F%2Fx%2F", "text/plain", strings.NewReader("en=page_view\nen=scroll&epn.percent_scrolled=90"))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("collect: %v %v", err, resp)
	}
	hits, total := g.Hits()
	if total != 2 || len(hits) != 2 || hits[0].Event != "scroll" || hits[1].Event != "page_view" {
		t.Fatalf("hits %+v total %d", hits, total)
	}
	if p := hits[0].Params; len(p) != 5 || p[0] != [2]string{"v", "2"} || p[2] != [2]string{"dl", "http://x/"} || p[4] != [2]string{"epn.percent_scrolled", "90"} {
		t.Errorf("params in order, shared first: %q", p)
	}
	for range maxHits + 10 {
		g.record("en=page_view", "")
	}
	if hits, total := g.Hits(); len(hits) != maxHits || total != 2+maxHits+10 {
		t.Errorf("kept %d of %d, want the latest %d", len(hits), total, maxHits)
	}
}

// FuzzRecord: whatever arrives at the stand-in's /g/collect, recording it
// neither panics nor keeps more than maxHits.
func FuzzRecord(f *testing.F) {
	f.Add("v=2&tid=G-DEMO0001&en=page_view", "")
	f.Add("v=2", "en=a\n\nen=b&x=%zz\r\n")
	f.Add("%", "=&&=")
	f.Fuzz(func(t *testing.T, query, body string) {
		g := NewGoogle(nil)
		for range 3 {
			g.record(query, body)
		}
		if hits, _ := g.Hits(); len(hits) > maxHits {
			t.Fatalf("%d hits kept", len(hits))
		}
	})
}

// TestHistory: a day of history is deterministic, inside its day, made of
// the reasons and events the proxy produces, and plausible in size.
func TestHistory(t *testing.T) {
	h := History{Site: "G-DEMO0001", Origin: "http://localhost:8080", Agents: agentStub{}}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // a Tuesday
	run := func() (views int, reasons map[consentproxy.Reason]int, choices int) {
		reasons = map[consentproxy.Reason]int{}
		h.Day(day, func(o *consentproxy.Observation) {
			if o.Time.Before(day) || o.Time.After(day.Add(26*time.Hour)) {
				t.Errorf("observation at %s, outside its day", o.Time)
			}
			if o.Site != h.Site || !strings.HasPrefix(o.Location, h.Origin+"/demo/") || !o.IP.IsValid() {
				t.Errorf("observation %+v", o)
			}
			if o.Event == "page_view" {
				views++
				reasons[o.Reason]++
			}
		}, func(outcome string, at time.Time) {
			if outcome != consent.OutcomeAcceptAll && outcome != consent.OutcomeRejectAll && outcome != consent.OutcomeCustom {
				t.Errorf("outcome %q", outcome)
			}
			choices++
		})
		return
	}
	v1, r1, c1 := run()
	v2, _, c2 := run()
	if v1 != v2 || c1 != c2 {
		t.Errorf("not deterministic: %d/%d views, %d/%d choices", v1, v2, c1, c2)
	}
	if v1 < 200 || v1 > 2000 || r1[consentproxy.ReasonForwarded] < v1/2 || r1[consentproxy.ReasonBot] == 0 || r1[consentproxy.ReasonGPC] == 0 {
		t.Errorf("a day of %d page views by reason %v: want a small shop's, mostly forwarded, with bots and GPC", v1, r1)
	}
}

type agentStub struct{}

func (agentStub) Parse(ua string) consentproxy.Agent {
	bot := strings.Contains(ua, "bot") || strings.Contains(ua, "Bot")
	return consentproxy.Agent{Browser: "Chrome", OS: "Windows", Bot: bot}
}

// TestHistoryPagesExist: every page the history visits is one of the
// shop's, so the demo's goals and funnel are reachable by hand too.
func TestHistoryPagesExist(t *testing.T) {
	served := map[string]bool{}
	for _, p := range pages {
		served[Path+p.Path] = true
	}
	visited := map[string]bool{checkout: true}
	for _, l := range landing {
		visited[l.path] = true
	}
	for _, n := range next {
		visited[n] = true
	}
	for p := range visited {
		if !served[p] {
			t.Errorf("the history visits %s, which the demo shop does not serve", p)
		}
	}
	h := History{Site: "G-DEMO0001", Origin: "http://localhost:8080", Agents: agentStub{}}
	seen := map[string]int{}
	h.Day(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), func(o *consentproxy.Observation) {
		if o.Event == "page_view" {
			seen[strings.SplitN(strings.TrimPrefix(o.Location, h.Origin), "?", 2)[0]]++
		}
	}, func(string, time.Time) {})
	for p := range served {
		if seen[p] == 0 {
			t.Errorf("a day of history never visits %s (visits %v)", p, seen)
		}
	}
}

// TestSitePages: every page of the shop is served, the products lead to a
// product page and that to checkout, and a simulated GPC stays on along
// the shop's own links.
func TestSitePages(t *testing.T) {
	app := fiber.New()
	(&Site{MeasurementID: "G-DEMO0001", Google: NewGoogle([]string{"G-DEMO0001"})}).Register(app)
	get := func(path string) string {
		t.Helper()
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	for _, p := range pages {
		if body := get(Path + p.Path); !strings.Contains(body, "<h1>"+p.Title+"</h1>") || strings.Count(body, `<a href="/demo/`) < 4 {
			t.Errorf("%s: no title or navigation:\n%s", Path+p.Path, body)
		}
	}
	for path, link := range map[string]string{
		"/demo/products": `href="/demo/products/tea-bowl"`, "/demo/products/mug": `href="/demo/checkout"`,
		"/demo/products?gpc=1": `href="/demo/products/mug?gpc=1"`, "/demo/products/tea-bowl?gpc=1": `href="/demo/checkout?gpc=1"`,
	} {
		if body := get(path); !strings.Contains(body, link) {
			t.Errorf("%s does not link %s", path, link)
		}
	}
}

// TestHistoryPurchases: some checkout views end in a purchase of the shop's
// products, in euros, with the parameters gtag sends (epn.value, cu) unless
// the visitor asked not to be measured; and visitors scroll.
func TestHistoryPurchases(t *testing.T) {
	h := History{Site: "G-DEMO0001", Origin: "http://localhost:8080", Agents: agentStub{}}
	checkouts, purchases, scrolls, total := 0, 0, 0, 0.0
	h.Day(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), func(o *consentproxy.Observation) {
		switch o.Event {
		case "page_view":
			if strings.HasSuffix(o.Location, checkout) {
				checkouts++
			}
		case "scroll":
			scrolls++
		case "purchase":
			purchases++
			if !strings.HasSuffix(o.Location, checkout) {
				t.Errorf("a purchase on %s", o.Location)
			}
			if o.Reason.Suppressed() {
				if o.Params != nil {
					t.Errorf("a suppressed purchase carries parameters")
				}
				return
			}
			cu, _ := o.Params.Param(o.Index, "cu")
			v, _ := o.Params.Param(o.Index, "epn.value")
			f, err := strconv.ParseFloat(v, 64)
			if cu != "EUR" || err != nil || !slices.Contains([]float64{29, 34, 58, 68, 71, 76, 100, 110}, f) {
				t.Errorf("a purchase of %q %q", v, cu)
			}
			if _, ok := o.Params.Param(o.Index, "ep.plan"); ok {
				t.Error("a purchase with a parameter gtag did not send")
			}
			total += f
		}
	}, func(string, time.Time) {})
	if purchases == 0 || purchases >= checkouts || scrolls == 0 {
		t.Errorf("%d purchases of %d checkout views, %d scrolls", purchases, checkouts, scrolls)
	}
	t.Logf("%d checkout views, %d purchases, %.2f EUR, %d scrolls", checkouts, purchases, total, scrolls)
}
