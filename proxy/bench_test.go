package proxy

import (
	"net"
	"testing"

	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
)

// BenchmarkCollect measures one consented, batched hit end to end through
// the Fiber app: parse, signals, UA (cached), decision, observation,
// minimization and the copy into the forward queue. Only the network is
// left out: the queue is drained by a goroutine that recycles the jobs.
func BenchmarkCollect(b *testing.B) {
	h := newHarness(b, func(_ *Config, f *ForwarderConfig) { f.Workers = -1 })
	h.fwd.queue = make(chan *job, 1024)
	go func() {
		for j := range h.fwd.queue {
			h.fwd.put(j)
		}
	}()
	h.p.cfg.Recorder = nopRecorder{}
	handler := h.app.Handler()

	var req fasthttp.Request
	req.Header.SetMethod("POST")
	req.SetRequestURI("/g/collect?v=2&tid=G-TEST123&gtm=45je61e1&_p=1768827260687&gcs=G111&gcd=13r3r3r3r5l1&cid=1049864667.1762534482&ul=en-us&sr=1728x1117&uaa=arm&uab=64&uamb=0&uap=macOS&uapv=26.3.0&_s=4&sid=1768827255&sct=132&seg=1&dl=https%3A%2F%2Fsite.example%2Fpricing%3Futm_source%3Dnews&dr=https%3A%2F%2Fwww.google.com%2F&dt=Pricing")
	req.Header.SetHost("127.0.0.1")
	req.Header.Set("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36")
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("Cookie", h.cookie(true)+"; _ga=GA1.1.1049864667.1762534482")
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	req.SetBodyString("en=page_view&_et=120\nen=scroll&epn.percent_scrolled=90&_et=3400")
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx.Init(&req, remote, nil)
		handler(&ctx)
		if ctx.Response.StatusCode() != 204 {
			b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
	b.StopTimer()
	if got := h.p.Outcomes()[consentproxy.ReasonForwarded]; got != uint64(2*b.N) {
		b.Fatalf("forwarded %d events, want %d: the benchmark must measure the consented path", got, 2*b.N)
	}
	if st := h.fwd.Stats(); st.Dropped > 0 {
		b.Logf("dropped %d (queue full); raise the drain rate", st.Dropped)
	}
}

type nopRecorder struct{}

func (nopRecorder) Record(*consentproxy.Observation) {}

// BenchmarkParse measures parsing alone on gtag's batched form: shared
// parameters in the query (most of them plain, some escaped URLs) and two
// event lines.
func BenchmarkParse(b *testing.B) {
	query := []byte("v=2&tid=G-TEST123&gtm=45je61e1&_p=1768827260687&gcs=G111&gcd=13r3r3r3r5l1&cid=1049864667.1762534482&ul=en-us&sr=1728x1117&uaa=arm&uab=64&uamb=0&uap=macOS&uapv=26.3.0&_s=4&sid=1768827255&sct=132&seg=1&dl=https%3A%2F%2Fsite.example%2Fpricing%3Futm_source%3Dnews&dr=https%3A%2F%2Fwww.google.com%2F&dt=Pricing")
	body := []byte("en=page_view&_et=120\nen=scroll&epn.percent_scrolled=90&_et=3400")
	var h Hit
	b.ReportAllocs()
	b.SetBytes(int64(len(query) + len(body)))
	for b.Loop() {
		if err := h.Parse(query, body, Limits{}); err != nil {
			b.Fatal(err)
		}
		if v, _ := h.Get(1, "en"); string(v) != "scroll" {
			b.Fatalf("en = %q", v)
		}
	}
}
