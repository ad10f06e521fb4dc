package main

import (
	"reflect"
	"testing"
)

func TestToGlobs(t *testing.T) {
	for re, want := range map[string][]string{
		`Googlebot\/`:                       {"googlebot/"},
		`[wW]get`:                           {"wget"},
		`Ahrefs(Bot|SiteAudit)`:             {"ahrefsbot", "ahrefssiteaudit"},
		`(sistrix|SISTRIX) [cC]rawler`:      {"sistrix crawler"},
		`(^| )sentry\/`:                     {"^sentry/", "sentry/"},
		`AdsBot-Google([^-]|$)`:             {"adsbot-google", "adsbot-google$"},
		`Spider[\s\S]*spider\.com`:          {"spider*spider.com"},
		`BlogTraffic\/\d\.\d+ Feed-Fetcher`: {"blogtraffic/* feed-fetcher"},
		`Automaton|Newsify Feed Fetcher`:    {"automaton", "newsify feed fetcher"},
		`^Apache-HttpClient`:                {"^apache-httpclient"},
		`GoogleAssociationService$`:         {"googleassociationservice$"},
		`S[eE][mM]rushBot`:                  {"semrushbot"},
	} {
		got, err := toGlobs(re)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("toGlobs(%q) = %q, %v; want %q", re, got, err, want)
		}
	}
	for _, re := range []string{`(?<!cu)bot`, `x{2}`, `a(b`, `^\d+$`} {
		if got, err := toGlobs(re); err == nil {
			t.Errorf("toGlobs(%q) = %q, want an error", re, got)
		}
	}
}
