package proxy

import (
	"strings"
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
)

// TestPageLoads plays what real gtag.js sends around a choice on one page,
// and checks that Google gets exactly one page view with the granted state,
// and that the page view is counted once, as in basic mode.
func TestPageLoads(t *testing.T) {
	const (
		shared = "/g/collect?v=2&tid=G-TEST123&_p=1796216845759&cid=665763457.1796216847&sid=1796216846&dl=https%3A%2F%2Fsite.example%2Fshop"
		ping   = shared + "&gcs=G100&gcd=13p3p3p3p5l1&npa=1&pscdl=denied&en=page_view&_fv=1&_nsi=1&_ss=1"
		pvG111 = shared + "&gcs=G111&gcd=13r3r3r3r5l1&npa=0&en=page_view&_fv=1&_nsi=1&_ss=1"
		ueG111 = shared + "&gcs=G111&gcu=1&gcd=13r3r3r3r5l1&npa=0&pscdl=noapi&en=user_engagement&_et=13"
	)
	otherLoad := strings.Replace(pvG111, "_p=1796216845759", "_p=1796216899999", 1)
	spa := strings.Replace(strings.Replace(pvG111, "%2Fshop", "%2Fcart", 1), "&_fv=1&_nsi=1&_ss=1", "", 1)
	for _, tc := range []struct {
		name     string
		hits     []string // "granted:" prefix sends the consent cookie
		upstream []string // en=… and gcs=… of each forwarded request, in order
		counted  int      // observations recorded for the page's events
		reasons  map[consentproxy.Reason]int
	}{
		{"advanced: ping, then the next event after accept releases it", []string{ping, "granted:" + ueG111},
			[]string{"page_view gcs=G111 cid=665763457.1796216847", "user_engagement gcs=G111"}, 2,
			map[consentproxy.Reason]int{consentproxy.ReasonNoConsent: 1, consentproxy.ReasonForwarded: 1}},
		{"advanced: gtag repeats the page view twice after accept", []string{ping, "granted:" + pvG111, "granted:" + pvG111},
			[]string{"page_view gcs=G111"}, 1,
			map[consentproxy.Reason]int{consentproxy.ReasonNoConsent: 1}},
		{"basic: one page view, then a repeat", []string{"granted:" + pvG111, "granted:" + pvG111, "granted:" + ueG111},
			[]string{"page_view gcs=G111", "user_engagement gcs=G111"}, 2,
			map[consentproxy.Reason]int{consentproxy.ReasonForwarded: 2}},
		{"SPA navigation is not a repeat", []string{"granted:" + pvG111, "granted:" + spa},
			[]string{"page_view gcs=G111", "page_view gcs=G111"}, 2,
			map[consentproxy.Reason]int{consentproxy.ReasonForwarded: 2}},
		{"another page load is its own", []string{"granted:" + pvG111, "granted:" + otherLoad},
			[]string{"page_view gcs=G111", "page_view gcs=G111"}, 2,
			map[consentproxy.Reason]int{consentproxy.ReasonForwarded: 2}},
		{"no consent, nothing reaches Google", []string{ping, ueG111}, nil, 2,
			map[consentproxy.Reason]int{consentproxy.ReasonNoConsent: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			for _, hit := range tc.hits {
				hdr := h.browser(map[string]string{"Cookie": ""}) // no choice yet
				if uri, ok := strings.CutPrefix(hit, "granted:"); ok {
					hit, hdr = uri, h.browser(nil)
				}
				if st, body, _ := h.do("POST", hit, hdr, ""); st != 204 {
					t.Fatalf("status %d %q", st, body)
				}
			}
			got := h.forwarded()
			var seen []string
			for _, req := range strings.Split(got, "-- upstream --\n") {
				if req == "(none)\n" {
					continue
				}
				line, _, _ := strings.Cut(req, "\n")
				desc := qparam(line, "en") + " gcs=" + qparam(line, "gcs")
				if strings.Contains(tcWant(tc.upstream, len(seen)), "cid=") {
					desc += " cid=" + qparam(line, "cid")
				}
				if qparam(line, "gcd") == "13p3p3p3p5l1" || qparam(line, "pscdl") == "denied" {
					t.Errorf("a released ping kept its denied state: %s", line)
				}
				seen = append(seen, desc)
			}
			if strings.Join(seen, "\n") != strings.Join(tc.upstream, "\n") {
				t.Errorf("Google got\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(tc.upstream, "\n"))
			}
			counted := map[consentproxy.Reason]int{}
			n := 0
			for _, o := range h.rec.all() {
				if o.Site == "G-TEST123" {
					counted[o.Reason]++
					n++
				}
			}
			if n != tc.counted || !equalCounts(counted, tc.reasons) {
				t.Errorf("counted %d %v, want %d %v", n, counted, tc.counted, tc.reasons)
			}
		})
	}
}

func tcWant(want []string, i int) string {
	if i < len(want) {
		return want[i]
	}
	return ""
}

// qparam returns a parameter of a request line "METHOD /path?query".
func qparam(line, key string) string {
	_, q, _ := strings.Cut(line, "?")
	for _, kv := range strings.Split(q, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return ""
}

func equalCounts(a, b map[consentproxy.Reason]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
