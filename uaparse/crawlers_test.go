package uaparse

import (
	"strings"
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/uaparse/internal/botlist"
)

// TestNoCrawlerPatternMatchesBrowsers keeps both lists honest: a pattern
// that matches a real browser would silently drop human traffic.
func TestNoCrawlerPatternMatchesBrowsers(t *testing.T) {
	for _, c := range loadCorpus(t) {
		if c.want.Bot {
			continue
		}
		if class := crawlerClass(c.ua); class != "" {
			t.Errorf("agents.tsv:%d: a %s pattern matches the browser UA %q", c.line, class, c.ua)
		}
	}
}

func TestBotClassesMatchRoot(t *testing.T) {
	if len(botlist.Classes) != len(consentproxy.BotClasses()) {
		t.Fatalf("botlist.Classes %v != %v", botlist.Classes, consentproxy.BotClasses())
	}
	for _, c := range consentproxy.BotClasses() {
		if !botlist.Classes[c] {
			t.Errorf("botlist lacks class %q", c)
		}
	}
}

func TestCrawlerListFormat(t *testing.T) {
	for name, src := range map[string]string{"crawlers.txt": crawlersTxt, "crawlers_gen.txt": crawlersGenTxt} {
		seen := map[string]int{}
		count := 0
		for n, line := range strings.Split(src, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
				continue
			}
			count++
			key := strings.ToLower(line)
			if prev, dup := seen[key]; dup {
				t.Errorf("%s:%d duplicates line %d: %q", name, n+1, prev, line)
			}
			seen[key] = n + 1
		}
		if min := map[string]int{"crawlers.txt": 150, "crawlers_gen.txt": 1500}[name]; count < min {
			t.Errorf("%s has %d patterns; expected a maintained list", name, count)
		}
	}
	for _, bad := range []string{"^", "*", "caf\u00e9", "a\tb", "[robots]\nx", "^*x", "x*$"} {
		if _, err := botlist.Compile(bad, botlist.PrioLocal); err == nil {
			t.Errorf("Compile(%q) accepted a bad list", bad)
		}
	}
}

// TestCrawlerMatching pins the pattern semantics: word boundaries, '*',
// anchors, device-name exceptions and class priority.
func TestCrawlerMatching(t *testing.T) {
	cs, err := botlist.Compile("# comment\n[crawler]\nfoobot\n^curl/\n  spaced out  \n*bot\nspider/\ngoog*\na1*zz\n"+
		"[monitor]\npingdom\nbar*\n^exact$\n", botlist.PrioLocal)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"Mozilla/5.0 (compatible; FooBot/1.0)": "crawler",
		"FOOBOT":                               "crawler",
		"curl/8.0":                             "crawler",
		"libcurl/8.0":                          "", // anchored
		"x curl/8.0":                           "",
		"we are SPACED OUT here":               "crawler",
		"spacedout":                            "",
		"foobo":                                "",
		"":                                     "",
		"Some-Bot":                             "crawler",
		"AhrefsBot/7.0":                        "crawler",
		"CUBOT NOTE 30":                        "", // a phone brand, not "*bot"
		"Spider Build/QP1A":                    "", // a phone model
		"Spider/1.0":                           "crawler",
		"Spiderman":                            "",
		"googleother googlebot":                "crawler",
		"xgoog":                                "",
		"a1 then zz":                           "crawler",
		"a1 then zzz":                          "",
		"Pingdom.com_bot_version_1.4":          "monitor", // the specific pattern wins over "*bot"
		"barcode":                              "monitor",
		"crowbar":                              "",
		"exact":                                "monitor",
		"exact match":                          "",
	}
	for ua, want := range cases {
		var buf [MaxInputLen]byte
		if got := cs.Match(botlist.Lower(buf[:], ua)); got != want {
			t.Errorf("Match(%q) = %q, want %q", ua, got, want)
		}
	}
}

// TestBotClasses checks the class of well-known non-visitors, including
// monitors that run a real Chrome and only append a token.
func TestBotClasses(t *testing.T) {
	const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	cases := map[string]string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                         consentproxy.BotCrawler,
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)":                                          consentproxy.BotCrawler,
		"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)":                                               consentproxy.BotCrawler,
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)":           consentproxy.BotAICrawler,
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)":          consentproxy.BotAICrawler,
		"CCBot/2.0 (https://commoncrawl.org/faq/)":                                                                         consentproxy.BotAICrawler,
		"meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)":                        consentproxy.BotAICrawler,
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot": consentproxy.BotAICrawler,
		"Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)":                                              consentproxy.BotAICrawler,
		chrome + " Chrome-Lighthouse":                                            consentproxy.BotMonitor,
		chrome + " PTST/240201.1530":                                             consentproxy.BotMonitor,
		chrome + " GTmetrix":                                                     consentproxy.BotMonitor,
		chrome + " RuxitSynthetic/1.0 v6870249674 t38550":                        consentproxy.BotMonitor,
		chrome + " GomezAgent 3.0":                                               consentproxy.BotMonitor,
		"Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)": consentproxy.BotMonitor,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.6478.126 Safari/537.36": consentproxy.BotHeadless,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1":                 consentproxy.BotHeadless,
		"curl/8.5.0":             consentproxy.BotLibrary,
		"python-requests/2.32.3": consentproxy.BotLibrary,
		"Go-http-client/1.1":     consentproxy.BotLibrary,
		"okhttp/4.12.0":          consentproxy.BotLibrary,
		"SomeNewClient/0.9":      consentproxy.BotLibrary, // the structural rule, no list entry
		"":                       consentproxy.BotOther,
		"just (some) text":       consentproxy.BotOther,
	}
	for ua, want := range cases {
		a := normalize(ua)
		if !a.Bot || a.BotClass != want {
			t.Errorf("normalize(%q) = %+v, want bot class %q", ua, a, want)
		}
	}
}

// TestNotBots lists real devices whose names once looked like bot tokens.
func TestNotBots(t *testing.T) {
	for _, ua := range []string{
		"Mozilla/5.0 (Linux; Android 12; CUBOT NOTE 30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 10; KingKong 5 Pro Build/QP1A.190711.020; CUBOT) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.73 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 11; MAJESTIC TAB-811) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 9; Expanse) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.45 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 8.1.0; Spider Build/O11019) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.181 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36 Instagram 406.0.0.58.159 Android (35/15; 480dpi; 1080x2400; OPPO; CPH2557; OP573DL1; mt6833; en_MY; 822918295; IABMV/1) NV/1",
	} {
		if a := normalize(ua); a.Bot || a.OS != "Android" {
			t.Errorf("normalize(%q) = %+v, want a visitor", ua, a)
		}
	}
}

func BenchmarkCrawlerMatch(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if isCrawler(chromeWin) {
			b.Fatal("browser matched")
		}
	}
}
