package consent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/static"
)

// regionHandlers serves the handlers with the built-in regions table and
// the place in a test header, as the proxy's trusted CDN header would.
func regionHandlers(t *testing.T) (*Handlers, *choiceLog, func(*http.Request) *http.Response) {
	t.Helper()
	regions, err := NewRegions(RegionsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	log := &choiceLog{}
	h := &Handlers{Choice: log.add, Regions: regions, Sites: map[string]bool{"G-TEST123": true},
		Region: func(c *fiber.Ctx) string { return c.Get("X-Test-Region") }}
	return h, log, serve(t, h)
}

// TestRegionChoices: a refusal's cookie lives the jurisdiction's re-ask
// period, a grant the consent lifetime; the choice is counted with the
// jurisdiction's group, and GET /consent names the model.
func TestRegionChoices(t *testing.T) {
	h, log, do := regionHandlers(t)
	post := func(region, body string) *http.Response {
		r := httptest.NewRequest("POST", "/consent", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Test-Region", region)
		return do(r)
	}
	for _, tt := range []struct {
		region, body string
		maxAge       time.Duration
	}{
		{"US-CA", "analytics=0&marketing=0&site=G-TEST123", DefaultReaskOptOut},
		{"DE", "analytics=0&marketing=0&site=G-TEST123", DefaultReaskOptIn},
		{"US-CA", "analytics=1&marketing=0&site=G-TEST123", h.Codec.MaxAge()},
		{"", "analytics=0&marketing=1&site=G-TEST123", DefaultReaskOptIn},
	} {
		resp := post(tt.region, tt.body)
		c := findCookie(resp, ConsentCookie)
		if resp.StatusCode != 200 || c == nil || time.Duration(c.MaxAge)*time.Second != tt.maxAge {
			t.Errorf("%s %s: %d, cookie %v, want Max-Age %v", tt.region, tt.body, resp.StatusCode, c, tt.maxAge)
		}
	}
	want := "G-TEST123|1|reject_all|us-opt-out G-TEST123|1|reject_all|eea G-TEST123|1|custom|us-opt-out G-TEST123|1|custom"
	if got := strings.Join(log.got, " "); got != want {
		t.Errorf("counted %s, want %s", got, want)
	}

	r := httptest.NewRequest("GET", "/consent", nil)
	r.Header.Set("X-Test-Region", "US-CA")
	var got struct{ Jurisdiction BannerJurisdiction }
	b, _ := io.ReadAll(do(r).Body)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if j := got.Jurisdiction; j.Group != "us-opt-out" || j.Model != "opt-out" || j.ReaskDays != 365 || j.Strict != nil {
		t.Errorf("GET /consent jurisdiction %+v", j)
	}
}

// TestRegionOptOutPage: the no-JS page tells a Californian without a
// choice that they are measured, and that GPC stops it there even when
// the deployment does not honour GPC elsewhere.
func TestRegionOptOutPage(t *testing.T) {
	h, _, do := regionHandlers(t)
	h.policy.HonorGPC = false // --honor-gpc=false, after Register filled the policy
	state := func(region, gpc string) string {
		r := httptest.NewRequest("GET", "/optout", nil)
		r.Header.Set("X-Test-Region", region)
		if gpc != "" {
			r.Header.Set("Sec-GPC", gpc)
		}
		b, _ := io.ReadAll(do(r).Body)
		_, rest, _ := strings.Cut(string(b), `id="state" class="state" data-state="`)
		s, _, _ := strings.Cut(rest, `"`)
		return s
	}
	for _, tt := range []struct{ region, gpc, want string }{
		{"US-CA", "", PageMeasured},
		{"US-CA", "1", PageSignal},
		{"DE", "1", PageNone},
		{"DE", "", PageNone},
		{"", "", PageNone},
	} {
		if got := state(tt.region, tt.gpc); got != tt.want {
			t.Errorf("%q gpc=%q: state %q, want %q", tt.region, tt.gpc, got, tt.want)
		}
	}
}

// TestRegionScripts: one copy of the script per jurisdiction, served by
// the visitor's place, privately cached; without a place (no Region) one
// copy, public.
func TestRegionScripts(t *testing.T) {
	h, _, _ := regionHandlers(t)
	a, err := static.New(static.Config{Banner: h.Banner()})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Copies) != 4 {
		t.Fatalf("%d variants, want eea, us-opt-out, elsewhere, unknown", len(a.Copies))
	}
	app := fiber.New()
	a.Register(app)
	get := func(region string) (string, string) {
		r := httptest.NewRequest("GET", "/consent.js", nil)
		r.Header.Set("X-Test-Region", region)
		resp, err := app.Test(r, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.Header.Get("Cache-Control")
	}
	for region, want := range map[string]string{
		"US-CA": `"jurisdiction":{"group":"us-opt-out","model":"opt-out","marketing":false,"reask_days":365,"strict":["AT",`,
		"FR":    `"jurisdiction":{"group":"eea","model":"opt-in","marketing":false,"reask_days":182}`,
		"JP":    `"jurisdiction":{"group":"elsewhere","model":"opt-in"`,
		"":      `"jurisdiction":{"group":"unknown","model":"opt-in"`,
	} {
		body, cc := get(region)
		if !strings.Contains(body, want) || !strings.HasPrefix(cc, "private,") {
			t.Errorf("%q: Cache-Control %q, script without %s", region, cc, want)
		}
	}

	h.Region = nil
	one, err := static.New(static.Config{Banner: h.Banner()})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Copies) != 1 || !strings.Contains(string(one.Script.Raw), `"group":"unknown"`) {
		t.Errorf("without a place: %d variants", len(one.Copies))
	}
}

// BenchmarkBuildRegions is the start-up cost of the banner with the
// built-in regions table and a location source: 4 jurisdictions × 8
// languages, the default jurisdiction's copies compressed at once; and
// the first request of another jurisdiction's copy, which compresses it.
func BenchmarkBuildRegions(b *testing.B) {
	regions, err := NewRegions(RegionsConfig{})
	if err != nil {
		b.Fatal(err)
	}
	h := &Handlers{Codec: mustCodec(b, testNow, keyA), Regions: regions,
		Region: func(c *fiber.Ctx) string { return c.Get("X-Test-Region") }}
	h.Register(fiber.New())
	b.Run("start-up", func(b *testing.B) {
		for b.Loop() {
			if _, err := static.New(static.Config{Banner: h.Banner()}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("start-up, no location", func(b *testing.B) {
		one := *h
		one.Region = nil
		for b.Loop() {
			if _, err := static.New(static.Config{Banner: one.Banner()}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first-request", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			a, err := static.New(static.Config{Banner: h.Banner()})
			if err != nil {
				b.Fatal(err)
			}
			app := fiber.New()
			a.Register(app)
			r := httptest.NewRequest("GET", "/consent.js", nil)
			r.Header.Set("X-Test-Region", "US-CA")
			r.Header.Set("Accept-Encoding", "br")
			b.StartTimer()
			if _, err := app.Test(r, -1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
