package proxy

import (
	"bufio"
	"fmt"
	"maps"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

const okQuery = "/g/collect?v=2&tid=G-TEST123&cid=1.2&en=page_view&dl=https%3A%2F%2Fsite.example%2F"

// TestBadInput: every kind of bad input gets a clear 4xx, a counter, and
// nothing forwarded (the sentinel arrives alone).
func TestBadInput(t *testing.T) {
	h := newHarness(t)
	many := strings.Repeat("en=scroll\n", 26)
	tests := []struct {
		name, method, uri string
		header            map[string]string
		body              string
		status            int
		code              string
		invalidObserved   bool
	}{
		{"bad percent-encoding", "GET", "/g/collect?v=2&tid=G-TEST123&dl=%zz", nil, "", 400, consentproxy.EINVALID, true},
		{"truncated percent", "GET", "/g/collect?v=2&tid=G-TEST123&dl=%4", nil, "", 400, consentproxy.EINVALID, true},
		{"non-UTF-8 query", "GET", "/g/collect?v=2&tid=G-TEST123&dt=%ff%fe", nil, "", 400, consentproxy.EINVALID, true},
		{"non-UTF-8 body", "POST", "/g/collect?v=2&tid=G-TEST123", nil, "en=x&dt=%C3%28", 400, consentproxy.EINVALID, true},
		{"every line malformed", "POST", "/g/collect?v=2&tid=G-TEST123", nil, "en=x&dt=%zz\nen=y&dl=%ff", 400, consentproxy.EINVALID, true},
		{"too many events", "POST", "/g/collect?v=2&tid=G-TEST123", nil, many, 413, consentproxy.ETOOLARGE, true},
		{"body over 64 KiB", "POST", "/g/collect?v=2&tid=G-TEST123", nil, "en=x&dt=" + strings.Repeat("a", 70<<10), 413, consentproxy.ETOOLARGE, false},
		{"id not on the allowlist", "GET", "/g/collect?v=2&tid=G-NOTOURS1&en=page_view", nil, "", 403, consentproxy.EFORBIDDEN, true},
		{"no id", "GET", "/g/collect?v=2&en=page_view", nil, "", 403, consentproxy.EFORBIDDEN, true},
		{"foreign id in one line", "POST", "/g/collect?v=2&tid=G-TEST123", nil, "en=a\nen=b&tid=G-NOTOURS1", 403, consentproxy.EFORBIDDEN, true},
		{"origin not allowed", "POST", okQuery, map[string]string{"Origin": "https://evil.example"}, "", 403, consentproxy.EFORBIDDEN, true},
		{"method PUT", "PUT", okQuery, nil, "", 405, consentproxy.EMETHOD, false},
		{"method DELETE", "DELETE", okQuery, nil, "", 405, consentproxy.EMETHOD, false},
		{"method HEAD", "HEAD", okQuery, nil, "", 405, consentproxy.EMETHOD, false},
		{"unknown path", "GET", "/collect?v=1&tid=UA-1", nil, "", 404, consentproxy.ENOTFOUND, false},
		{"trailing slash is another path", "GET", "/g/collect/?v=2&tid=G-TEST123", nil, "", 404, consentproxy.ENOTFOUND, false},
		{"case is another path", "GET", "/G/collect?v=2&tid=G-TEST123", nil, "", 404, consentproxy.ENOTFOUND, false},
		{"oversized headers", "GET", okQuery, map[string]string{"X-Big": strings.Repeat("b", 20<<10)}, "", 431, consentproxy.EHEADERS, false},
		{"host with a path", "GET", okQuery, map[string]string{"Host": "evil.example/x"}, "", 400, consentproxy.EINVALID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.errs.Count(tt.code)
			invalidBefore := h.p.Outcomes()[consentproxy.ReasonInvalid]
			hdr := h.browser(tt.header)
			status, body, _ := h.do(tt.method, tt.uri, hdr, tt.body)
			if status != tt.status {
				t.Fatalf("status %d (%q), want %d", status, body, tt.status)
			}
			if strings.TrimSpace(body) == "" && tt.method != "HEAD" && status != 431 {
				t.Fatalf("no explanation in the body")
			}
			if got := h.errs.Count(tt.code); got != before+1 {
				t.Fatalf("counter %s = %d, want %d", tt.code, got, before+1)
			}
			if got := h.p.Outcomes()[consentproxy.ReasonInvalid] - invalidBefore; tt.invalidObserved && got != 1 {
				t.Fatalf("invalid outcomes +%d, want +1", got)
			}
			if got := h.forwarded(); got != "(none)\n" {
				t.Fatalf("forwarded:\n%s", got)
			}
		})
	}
}

// TestBenignInputKept: what real pages send is never refused. Control
// characters become spaces (none can split a line or a header), over-long
// values are cut, and a malformed line of a batch costs only its own event.
func TestBenignInputKept(t *testing.T) {
	h := newHarness(t)
	q := "/g/collect?v=2&tid=G-TEST123&cid=1.2"
	tests := []struct {
		name, method, uri, body string
		invalid                 uint64
		want                    string // the upstream request line and body
	}{
		{"NUL in a value", "GET", q + "&en=page_view&dt=a%00b", "", 0,
			"GET /g/collect?v=2&tid=G-TEST123&cid=1.2&en=page_view&dt=a%20b&_uip=203.0.113.0"},
		{"CRLF in a body value", "POST", q, "en=x&dt=a%0D%0AX-Injected:%201", 0,
			"POST /g/collect?v=2&tid=G-TEST123&cid=1.2&_uip=203.0.113.0\n\nen=x&dt=a%20%20X-Injected%3A%201"},
		{"tab in an event parameter", "POST", q, "en=x&ep.label=a%09b", 0,
			"POST /g/collect?v=2&tid=G-TEST123&cid=1.2&_uip=203.0.113.0\n\nen=x&ep.label=a%20b"},
		{"a 9 KiB referrer", "GET", q + "&en=page_view&dr=https%3A%2F%2Fref.example%2F" + strings.Repeat("p", 9<<10), "", 0,
			"GET /g/collect?v=2&tid=G-TEST123&cid=1.2&en=page_view&dr=https%3A%2F%2Fref.example%2F" + strings.Repeat("p", DefaultMaxValue-len("https://ref.example/")) + "&_uip=203.0.113.0"},
		{"one malformed line among good ones", "POST", q, "en=a\nen=b&dt=%zz\nen=c", 1,
			"POST /g/collect?v=2&tid=G-TEST123&cid=1.2&_uip=203.0.113.0\n\nen=a\nen=c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			invalidBefore := h.p.Outcomes()[consentproxy.ReasonInvalid]
			hdr := h.browser(map[string]string{"Cookie": h.cookie(true)})
			if status, body, _ := h.do(tt.method, tt.uri, hdr, tt.body); status != 204 {
				t.Fatalf("status %d (%q), want 204", status, body)
			}
			if got := h.p.Outcomes()[consentproxy.ReasonInvalid] - invalidBefore; got != tt.invalid {
				t.Errorf("invalid outcomes +%d, want +%d", got, tt.invalid)
			}
			got := h.forwarded()
			line, rest, _ := strings.Cut(got, "\n")
			_, body, _ := strings.Cut(rest, "\n\n")
			if got := strings.TrimRight(line+"\n\n"+body, "\n"); got != strings.TrimRight(tt.want, "\n") && !(tt.method == "GET" && line == tt.want) {
				t.Errorf("forwarded\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestAbsoluteURI: a request in proxy form ("GET http://other/ HTTP/1.1") is
// refused; the proxy is never a forward proxy.
func TestAbsoluteURI(t *testing.T) {
	h := newHarness(t)
	for _, target := range []string{
		"http://www.google-analytics.com/g/collect?v=2&tid=G-TEST123&en=x",
		"http://evil.example/gtag/js?id=G-TEST123",
		"*",
	} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(h.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: evil.example\r\nUser-Agent: x\r\nConnection: close\r\n\r\n", target)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		conn.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", target, resp.StatusCode)
		}
	}
	if got := h.forwarded(); got != "(none)\n" {
		t.Fatalf("forwarded:\n%s", got)
	}
	if h.up.gtag != 0 {
		t.Fatalf("gtag.js fetched %d times", h.up.gtag)
	}
}

// TestCollectAnswersAtOnce: 204, empty body, CORS only for allowed origins.
func TestCollectCORS(t *testing.T) {
	h := newHarness(t)
	status, body, hdr := h.do("POST", okQuery, h.browser(map[string]string{"Origin": "https://site.example"}), "")
	if status != 204 || body != "" {
		t.Fatalf("got %d %q, want 204 and no body", status, body)
	}
	if got := hdr.Get("Access-Control-Allow-Origin"); got != "https://site.example" {
		t.Fatalf("Access-Control-Allow-Origin = %q", got)
	}
	if hdr.Get("Access-Control-Allow-Credentials") != "true" || hdr.Get("Vary") != "Origin" {
		t.Fatalf("CORS headers: %v", hdr)
	}
	// Same-origin and origin-less hits are fine but get no CORS headers.
	status, _, hdr = h.do("POST", okQuery, h.browser(map[string]string{"Origin": h.base}), "")
	if status != 204 || hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("same origin: %d %v", status, hdr)
	}
}

// TestForwardedHitIsACopy: the job handed to the forwarder owns its bytes.
// Two hits go over one keep-alive connection (so fasthttp reuses the same
// request buffers) while no worker runs; the first job must still hold the
// first hit's values.
func TestForwardedHitIsACopy(t *testing.T) {
	h := newHarness(t, func(_ *Config, f *ForwarderConfig) { f.Workers = -1 })
	q := h.fwd.queue
	first := "/g/collect?v=2&tid=G-TEST123&cid=1.1&en=first_event&dl=https%3A%2F%2Fsite.example%2Ffirst"
	second := "/g/collect?v=2&tid=G-TEST123&cid=2.2&en=other_event&dl=https%3A%2F%2Fsite.example%2Fsecond"
	h.do("POST", first, h.browser(nil), "en=one&ep.k=AAAAAAAAAAAA")
	h.do("POST", second, h.browser(map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}), "en=two&ep.k=BBBBBBBBBBBB")
	j1 := <-q
	j2 := <-q
	if !strings.Contains(string(j1.uri), "first_event") || !strings.Contains(string(j1.uri), "cid=1.1") ||
		string(j1.body) != "en=one&ep.k=AAAAAAAAAAAA" || !strings.Contains(string(j1.ua), "Chrome/126") {
		t.Fatalf("first job changed: uri=%q body=%q ua=%q", j1.uri, j1.body, j1.ua)
	}
	if !strings.Contains(string(j2.uri), "other_event") || string(j2.body) != "en=two&ep.k=BBBBBBBBBBBB" {
		t.Fatalf("second job: uri=%q body=%q", j2.uri, j2.body)
	}
}

// TestObservations: every event yields one observation with its reason, and a
// suppressed visitor's observation carries nothing but site and reason.
func TestObservations(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/g/collect?v=2&tid=G-TEST123&cid=1.2", h.browser(map[string]string{"CF-IPCountry": "DE"}),
		"en=page_view&dl=https%3A%2F%2Fsite.example%2Fa&_et=1200\nen=scroll&dl=https%3A%2F%2Fsite.example%2Fa&_et=999999999")
	h.do("GET", okQuery, h.browser(map[string]string{"Sec-GPC": "1"}), "")
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	if len(h.rec.obs) != 3 {
		t.Fatalf("%d observations, want 3", len(h.rec.obs))
	}
	a, b, g := h.rec.obs[0], h.rec.obs[1], h.rec.obs[2]
	if a.Reason != consentproxy.ReasonForwarded || a.Site != "G-TEST123" || a.Event != "page_view" ||
		a.Location != "https://site.example/a" || a.EngagementMS != 1200 || a.Language != "en-US" ||
		a.Country != "DE" || a.IP.String() != "203.0.113.77" || a.Agent.Browser == "" {
		t.Fatalf("first observation: %+v", a)
	}
	if b.Event != "scroll" || b.Reason != consentproxy.ReasonForwarded || b.EngagementMS != consentproxy.MaxEngagementMS {
		t.Fatalf("second observation (its _et clamped to %d): %+v", consentproxy.MaxEngagementMS, b)
	}
	if g.Reason != consentproxy.ReasonGPC || g.Site != "G-TEST123" || g.UserAgent != "" || g.IP.IsValid() ||
		g.Location != "" || g.Agent != (consentproxy.Agent{}) || g.Country != "" {
		t.Fatalf("suppressed observation carries more than site and reason: %+v", g)
	}
}

// TestRemovedPerSite: the parameters a forwarded hit keeps from Google are
// counted per site and class in the Recorder (removed_params), as in the
// process's counters; a suppressed hit is not minimized, so counts none.
func TestRemovedPerSite(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/g/collect?v=2&tid=G-TEST123&cid=1.2&uid=alice&_uip=198.51.100.1&ecid=7&zz_unknown=1", h.browser(nil),
		"en=page_view&dl=https%3A%2F%2Fsite.example%2Fa&up.plan=pro")
	h.do("GET", okQuery+"&uid=bob", h.browser(map[string]string{"Sec-GPC": "1"}), "")
	h.rec.mu.Lock()
	got := maps.Clone(h.rec.removed)
	h.rec.mu.Unlock()
	want := map[string]int64{}
	for r, n := range h.p.DroppedParams() {
		if n > 0 {
			want["G-TEST123|"+r.String()] = int64(n)
		}
	}
	if len(want) < 3 || !maps.Equal(got, want) {
		t.Errorf("removed per site %v, want the process's counters %v (at least user, client_ip, identifier)", got, want)
	}
	for _, k := range []string{"G-TEST123|user", "G-TEST123|client_ip", "G-TEST123|identifier"} {
		if got[k] == 0 {
			t.Errorf("%s not counted: %v", k, got)
		}
	}
}
