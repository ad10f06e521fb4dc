package main

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/proxy"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/web"
)

const testSecret = "0123456789abcdef0123456789abcdef"

var testSites = []string{"G-BENCH0001", "G-BENCH0002"}

func testMix(t *testing.T, templates, visitors int) *mix {
	t.Helper()
	m, err := genMix(mixConfig{Templates: templates, Visitors: visitors, Sites: testSites, Host: "shop.example",
		Revision: "1", Secret: []byte(testSecret), Seed: 1, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wantReason is the outcome a template's kind must get from the proxy.
var wantReason = [numKinds]consentproxy.Reason{
	kindConsented: consentproxy.ReasonForwarded, kindNoCookie: consentproxy.ReasonNoConsent,
	kindDenied: consentproxy.ReasonDenied, kindGCSDenied: consentproxy.ReasonDenied,
	kindDNT: consentproxy.ReasonDNT, kindGPC: consentproxy.ReasonGPC,
	kindOptOut: consentproxy.ReasonOptOut, kindBot: consentproxy.ReasonBot,
}

// TestMixMatchesProxy sends every template of a mix through the real proxy
// (consent codec with the same secret, UA parser, forwarder to the stub) and
// checks that each gets the outcome its kind promises and that the stub
// receives exactly the events the mix says must be forwarded: the
// harness's "expected" column is only as good as this.
func TestMixMatchesProxy(t *testing.T) {
	m := testMix(t, 600, 300)
	s, err := startStub()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	fwd, err := proxy.NewForwarder(proxy.ForwarderConfig{Upstream: "http://" + s.addr()})
	if err != nil {
		t.Fatal(err)
	}
	scripts, err := proxy.NewScripts(proxy.ScriptConfig{Upstream: "http://" + s.addr()})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := consent.NewCodec([][]byte{[]byte(testSecret)}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	p := proxy.New(proxy.Config{
		MeasurementIDs: testSites, Trust: web.NewTrust(trusted),
		Policy: consent.Policy{HonorDNT: true, HonorGPC: true}, Codec: codec, Revision: "1",
		Agents: uaparse.New(0), Forwarder: fwd, Scripts: scripts,
	})
	app, _ := web.NewApp(web.Config{TrustedProxies: trusted})
	app.Use(web.Guard())
	p.Register(app)
	handler := app.Handler()
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

	var wantEvents int64
	seen := map[kind]int{}
	for i, tpl := range m.Templates {
		raw := tpl.Head + m.IPs[i%len(m.IPs)] + "\r\n\r\n" + tpl.Body
		var req fasthttp.Request
		if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
			t.Fatalf("template %d does not parse as HTTP: %v\n%s", i, err, raw)
		}
		before := p.Outcomes()
		var ctx fasthttp.RequestCtx
		ctx.Init(&req, remote, nil)
		handler(&ctx)
		if ctx.Response.StatusCode() != fasthttp.StatusNoContent {
			t.Fatalf("template %d (%s): status %d: %s\n%s", i, tpl.Kind, ctx.Response.StatusCode(), ctx.Response.Body(), raw)
		}
		after := p.Outcomes()
		want := wantReason[tpl.Kind]
		if got := after[want] - before[want]; got != uint64(tpl.Events) {
			t.Errorf("template %d (%s): %d of %d events had outcome %s; outcomes after %v", i, tpl.Kind, got, tpl.Events, want, after)
		}
		wantEvents += int64(tpl.Forwarded)
		seen[tpl.Kind]++
	}
	for k := range numKinds {
		if seen[k] == 0 {
			t.Errorf("the mix has no %s hit", k)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fwd.Close(ctx); err != nil {
		t.Fatal(err)
	}
	got := s.counts()
	if got.Events != wantEvents || got.Leaks != 0 {
		t.Errorf("stub got %+v, want %d events and no leaks", got, wantEvents)
	}
}

func TestMixIsDistinctAndDeterministic(t *testing.T) {
	a, b := testMix(t, 5000, 5000), testMix(t, 5000, 5000)
	uas, paths := map[string]bool{}, map[string]bool{}
	for i, tpl := range a.Templates {
		if tpl.Kind != b.Templates[i].Kind || tpl.Events != b.Templates[i].Events {
			t.Fatalf("template %d differs between two runs with one seed", i)
		}
		for _, line := range strings.Split(tpl.Head, "\r\n") {
			if ua, ok := strings.CutPrefix(line, "User-Agent: "); ok {
				uas[ua] = true
			}
		}
		if i := strings.Index(tpl.Head, "&dl="); i >= 0 {
			dl := tpl.Head[i+4:]
			paths[dl[:strings.IndexAny(dl, "& ")]] = true
		}
	}
	ips := map[string]bool{}
	for _, ip := range a.IPs {
		ips[ip] = true
	}
	if len(uas) < 1000 || len(paths) < 1000 || len(ips) != 5000 {
		t.Errorf("distinct user agents %d, pages %d, addresses %d: want thousands", len(uas), len(paths), len(ips))
	}
}

func TestCountEvents(t *testing.T) {
	for _, c := range []struct {
		post bool
		body string
		want int
	}{
		{false, "", 1}, {true, "", 1}, {true, "en=a\r\n", 1}, {true, "en=a\r\nen=b\r\n\r\nen=c", 3}, {true, "\n\n", 1},
	} {
		if got := countEvents(c.post, []byte(c.body)); got != c.want {
			t.Errorf("countEvents(%v, %q) = %d, want %d", c.post, c.body, got, c.want)
		}
	}
}

// TestWrkScript drives the stub with wrk and mix.lua for a second: the
// script must parse, send well-formed hits, and count exactly what the stub
// receives (the stub answers before wrk stops, so nothing is in flight).
func TestWrkScript(t *testing.T) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wrk is not installed: run scripts/setup.sh")
		}
		t.Skip("wrk is not installed: run scripts/setup.sh bench")
	}
	s, err := startStub()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	m := testMix(t, 300, 1000)
	h := &harness{o: options{threads: 2, connections: 4}, tmp: t.TempDir(), wrk: bin}
	data := filepath.Join(h.tmp, "data.lua")
	if err := m.writeLua(data); err != nil {
		t.Fatal(err)
	}
	r, err := h.load(context.Background(), s.addr(), data, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := s.settle(200*time.Millisecond, 5*time.Second)
	if r.Sent == 0 || r.errors() != 0 || r.ErrStatus != 0 {
		t.Fatalf("wrk: %+v", r)
	}
	// Up to one request per connection may be sent but unanswered at the end.
	if got.Requests < r.Requests || got.Requests > r.Sent {
		t.Errorf("stub got %d requests; wrk completed %d and sent %d", got.Requests, r.Requests, r.Sent)
	}
	if got.Requests == r.Sent && got.Events != r.Events {
		t.Errorf("stub counted %d events, the script %d", got.Events, r.Events)
	}
	if r.Forwarded <= 0 || r.Forwarded >= r.Events {
		t.Errorf("forwarded %d of %d events: the mix must have both", r.Forwarded, r.Events)
	}
}

func TestDeliveredAll(t *testing.T) {
	for _, c := range []struct {
		delivered, expected, inFlight int64
		want                          bool
	}{
		{100, 100, 0, true}, {99, 100, 0, false}, {98, 100, 1, true}, {95, 100, 1, false}, {101, 100, 5, false},
	} {
		if got := deliveredAll(c.delivered, c.expected, c.inFlight); got != c.want {
			t.Errorf("deliveredAll(%d, %d, %d) = %v, want %v", c.delivered, c.expected, c.inFlight, got, c.want)
		}
	}
}
