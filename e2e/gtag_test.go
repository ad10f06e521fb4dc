package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/consentproxy/consentproxy/demo"
)

// gtagCopy is one gtag.js the stub Google Tag Manager serves.
type gtagCopy struct {
	name string // "fake", or "real-<id>"
	id   string // the measurement id it is served (and, if real, was built) for
	js   []byte
	real bool
}

// fakeID is the measurement id the fake gtag.js is served for.
const fakeID = "G-E2ETEST1"

func fakeGtag(t testing.TB) *gtagCopy {
	t.Helper()
	return &gtagCopy{name: "fake", id: fakeID, js: demo.FakeGtag()}
}

// realGtagEnv names real copies of Google's gtag.js: files, or directories
// of *.js files, separated by the OS's list separator. They are Google's
// code, so they never live in this repository: scripts/test.sh points it at
// the copy in ../shared/testdata/gtag, and on a machine with internet one
// can fetch a fresh one:
//
//	curl -o /tmp/gtag-G-XXXXXXX.js 'https://www.googletagmanager.com/gtag/js?id=G-XXXXXXX'
//	CONSENTPROXY_REAL_GTAG=/tmp/gtag-G-XXXXXXX.js go test ./e2e
const realGtagEnv = "CONSENTPROXY_REAL_GTAG"

var (
	realOnce   sync.Once
	realCopies []*gtagCopy
	realErr    string
)

// idInName and idInScript find the measurement id a copy was built for: in
// its file name (gtag-G-XXXX.js), else in the container it carries.
var (
	idInName   = regexp.MustCompile(`G-[A-Z0-9]{4,16}`)
	idInScript = regexp.MustCompile(`vtp_(?:instanceDestinationId|trackingId)"?\s*:\s*"(G-[A-Z0-9]{4,16})"|"34"\s*:\s*"(G-[A-Z0-9]{4,16})"`)
)

// realGtags returns the real copies named by $CONSENTPROXY_REAL_GTAG. When it
// is unset the real-gtag tests skip, or fail in CI; when it names a file
// that is not there, or one whose id cannot be found, they always fail.
func realGtags(t testing.TB) []*gtagCopy {
	t.Helper()
	realOnce.Do(func() {
		v := strings.TrimSpace(os.Getenv(realGtagEnv))
		if v == "" {
			return
		}
		for _, p := range filepath.SplitList(v) {
			files := []string{p}
			if st, err := os.Stat(p); err != nil {
				realErr = realGtagEnv + ": " + err.Error()
				return
			} else if st.IsDir() {
				files, _ = filepath.Glob(filepath.Join(p, "*.js"))
				if len(files) == 0 {
					realErr = realGtagEnv + ": no *.js file in " + p
					return
				}
			}
			for _, f := range files {
				js, err := os.ReadFile(f)
				if err != nil {
					realErr = realGtagEnv + ": " + err.Error()
					return
				}
				id := idInName.FindString(filepath.Base(f))
				if m := idInScript.FindSubmatch(js); id == "" && m != nil {
					id = string(m[1]) + string(m[2])
				}
				if id == "" {
					realErr = realGtagEnv + ": cannot tell which measurement id " + f + " was built for (name it gtag-G-XXXX.js)"
					return
				}
				realCopies = append(realCopies, &gtagCopy{name: "real-" + id, id: id, js: js, real: true})
			}
		}
	})
	if realErr != "" {
		t.Fatal(realErr)
	}
	if len(realCopies) == 0 {
		missing(t, "%s is not set: no real gtag.js to test against (scripts/test.sh sets it to ../shared/testdata/gtag)", realGtagEnv)
	}
	return realCopies
}

// eachGtag runs f as a subtest with the fake gtag.js and with every real
// copy: every banner flow holds with both.
func eachGtag(t *testing.T, f func(t *testing.T, g *gtagCopy)) {
	t.Run("fake", func(t *testing.T) { f(t, fakeGtag(t)) })
	t.Run("real", func(t *testing.T) {
		for _, g := range realGtags(t) {
			t.Run(g.id, func(t *testing.T) { f(t, g) })
		}
	})
}
