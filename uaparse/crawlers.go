package uaparse

import (
	_ "embed"

	"github.com/consentproxy/consentproxy/uaparse/internal/botlist"
)

//go:generate bash ../scripts/gen-crawlers.sh

// crawlers.txt is the small local list (monitors, AI agents, headless
// browsers, libraries, corrections); crawlers_gen.txt is generated from the
// maintained public lists by scripts/gen-crawlers.sh and never edited by
// hand. Both use the format described at the top of crawlers.txt.
var (
	//go:embed crawlers.txt
	crawlersTxt string
	//go:embed crawlers_gen.txt
	crawlersGenTxt string
)

var crawlers = mustCompileCrawlers()

func mustCompileCrawlers() *botlist.Set {
	cs := &botlist.Set{}
	for _, src := range []struct {
		name, text string
		prio       uint8
	}{{"crawlers.txt", crawlersTxt, botlist.PrioLocal}, {"crawlers_gen.txt", crawlersGenTxt, botlist.PrioGenerated}} {
		if err := cs.Add(src.name, src.text, src.prio); err != nil {
			// The files are embedded and checked by tests; a bad edit must
			// stop the tests, not silently disable bot detection.
			panic(err)
		}
	}
	return cs
}

// crawlerClass returns the bot class of the best matching pattern, or "".
func crawlerClass(ua string) string {
	var buf [MaxInputLen]byte
	if len(ua) > MaxInputLen {
		ua = ua[:MaxInputLen]
	}
	return crawlers.Match(botlist.Lower(buf[:], ua))
}

func isCrawler(ua string) bool { return crawlerClass(ua) != "" }
