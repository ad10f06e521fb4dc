package uaparse_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/consentproxy/consentproxy/uaparse"
)

// TestDeviceDetectorExtract: real UAs from device-detector's fixtures that
// the parser once got wrong: phones whose model names end like bot tokens
// (Discovery, Butterfly, XBot_Senior), in-app and regional browsers that
// isbot's words flagged (WeChat, Sogou, Viber), TVs that looked like
// tablets, and Google's special-case fetchers that looked like Chrome.
func TestDeviceDetectorExtract(t *testing.T) {
	f, err := os.Open("testdata/device-detector.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := uaparse.New(0)
	n := 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		ua, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("device-detector.tsv:%d: no tab", line)
		}
		n++
		a := p.Parse(ua)
		got := a.Device
		if a.Bot {
			got = "bot"
		}
		if got != want && !(want == "visitor" && !a.Bot) {
			t.Errorf("device-detector.tsv:%d: %q is %q (bot class %q), want %q", line, ua, got, a.BotClass, want)
		}
	}
	if err := sc.Err(); err != nil || n < 30 {
		t.Fatalf("read %d cases: %v", n, err)
	}
}
