package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDuplicateCookiesOptOutWins: a visitor's opt-out holds however many
// other cookies of the same names the request carries (a sibling
// subdomain's, on the parent domain), and of two consent cookies the
// refusal wins; the sentinel, forwarded after them, proves nothing else
// was.
func TestDuplicateCookiesOptOutWins(t *testing.T) {
	m := MustRunMain(t, func(c *Config) { c.ForwardWorkers = 1 })
	r := rigOf(t, m)
	grant, deny, opt := r.consent(true, false, siteA), r.consent(false, false, siteA), r.optOut()
	for i, cookie := range []string{
		"cp_optout=; " + opt + "; " + grant, // an empty opt-out first, then the real one
		grant + "; " + opt,
		grant + "; " + deny,
		deny + "; " + grant,
		grant + "; cp_consent=garbage; " + deny,
	} {
		b := browser{IP: "203.0.113.20", UA: uaChromeWin, Lang: "en", Cookie: cookie}
		r.mustCollect(b, hit(siteA, "1.2", "dup_"+string(rune('a'+i)), "https://site.example/"))
	}
	reqs := r.sentinel(t, browser{IP: "203.0.113.20", UA: uaChromeWin, Lang: "en", Cookie: grant}, "dup_sentinel")
	for _, q := range reqs {
		if strings.Contains(q.URI, "en=dup_") && !strings.Contains(q.URI, "dup_sentinel") {
			// Basic mode (the default) forwards nothing without a grant.
			t.Errorf("forwarded despite an opt-out or a refusal among its cookies: %s", q.URI)
		}
	}
}

// TestConsentPostsLimitedAndChecked: POST /consent is limited per address
// (one address cannot inflate the consent rate), another address is not
// affected, and a malformed post is a 400, never a silent reject-all.
func TestConsentPostsLimitedAndChecked(t *testing.T) {
	m := MustRunMain(t, nil)
	r := rigOf(t, m)
	post := func(ip, ctype, body string) int {
		status, _, _ := r.do("POST", "/consent", map[string]string{"Content-Type": ctype, "X-Forwarded-For": ip}, body)
		return status
	}
	limited := 0
	for range 60 {
		if post("198.51.100.7", "application/json", `{"analytics":true,"marketing":false}`) == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 30 {
		t.Errorf("%d of 60 consent posts from one address limited", limited)
	}
	if s := post("203.0.113.8", "application/json", `{"analytics":true,"marketing":false}`); s != http.StatusOK {
		t.Errorf("another address: %d", s)
	}
	// What the banner sends works; the no-JS form too.
	if s := post("203.0.113.9", "application/x-www-form-urlencoded;charset=UTF-8", "analytics=true&marketing=false&site="+siteA); s != http.StatusOK {
		t.Errorf("the banner's form post: %d", s)
	}
	for i, bad := range []struct{ ctype, body string }{
		{"application/json", `{"analytics":"yes"}`},
		{"application/json", `{"analytics":true`},
		{"application/x-www-form-urlencoded", "analytics=%zz"},
		{"application/x-www-form-urlencoded", "analytics=maybe"},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"analytics\"\r\n\r\ntrue"},
		{"text/xml", "<consent/>"},
	} {
		ip := "203.0.113." + string(rune('1'+i)) + "0"
		if s := post(ip, bad.ctype, bad.body); s < 400 || s >= 500 {
			t.Errorf("malformed consent post %q (%s): %d, want a 4xx", bad.body, bad.ctype, s)
		}
	}
}

// TestForwardedForLines: with two X-Forwarded-For lines behind a trusted
// proxy, the address is taken from the last (the proxy's own), so a client
// cannot pick its address by sending a line of its own: its hits all share
// one rate-limit bucket.
func TestForwardedForLines(t *testing.T) {
	m := MustRunMain(t, func(c *Config) { c.CollectRate, c.CollectBurst = 1, 50 })
	cookie := rigOf(t, m).consent(true, false, siteA)
	hc := &http.Client{}
	accepted := 0
	for i := range 200 {
		q := hit(siteA, "1.2", "page_view", "https://site.example/").Encode()
		req, _ := http.NewRequest("GET", "http://"+m.Addr()+"/g/collect?"+q, nil)
		req.Header.Set("User-Agent", uaChromeWin)
		req.Header.Set("Accept-Language", "en")
		req.Header.Set("Cookie", cookie)
		req.Header.Add("X-Forwarded-For", "198.18."+url.PathEscape(string(rune('0'+i%10)))+".1") // the client's invention
		req.Header.Add("X-Forwarded-For", "203.0.113.50")                                        // what the proxy saw
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNoContent {
			accepted++
		}
	}
	if accepted > 60 {
		t.Errorf("%d of 200 hits accepted with a burst of 50: the client's own X-Forwarded-For line chose the bucket", accepted)
	}
}
