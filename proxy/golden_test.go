package proxy

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the upstream sections of testdata/golden")

// TestGolden pairs real browser requests with the exact request Google gets.
// Each file has a request section (placeholders: {{consent:granted}},
// {{consent:denied}}) and an upstream section: the method and URI, every
// header the stub upstream received, and the body; or "(none)".
//
// Headers are part of the golden output on purpose: a leaked Cookie or
// X-Forwarded-For shows up as a diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			g := readGolden(t, file)
			h := newHarness(t, func(c *Config, _ *ForwarderConfig) {
				if g.opts["ip-mode"] == "redact" {
					c.Minimizer.IPMode = IPRedact
				}
				if v := g.opts["keep-user-params"]; v != "" {
					c.Minimizer.KeepUserParams = strings.Split(v, ",")
				}
			})
			hdr := map[string]string{}
			for k, v := range g.header {
				v = strings.ReplaceAll(v, "{{consent:granted}}", h.cookie(true))
				v = strings.ReplaceAll(v, "{{consent:denied}}", h.cookie(false))
				hdr[k] = v
			}
			status, _, _ := h.do(g.method, g.uri, hdr, g.body)
			if want := g.opts["status"]; want != "" && strconv.Itoa(status) != want {
				t.Fatalf("status %d, want %s", status, want)
			} else if want == "" && status != 204 {
				t.Fatalf("status %d, want 204", status)
			}
			got := h.forwarded()
			if *update {
				g.write(t, file, got)
				return
			}
			if got != g.upstream {
				t.Fatalf("upstream request differs\n--- got ---\n%s\n--- want ---\n%s", got, g.upstream)
			}
		})
	}
}

// forwarded sends a sentinel hit after the requests under test and returns
// what reached upstream since the previous sentinel. The harness has one forward worker, so
// the queue is FIFO and the sentinel's arrival proves nothing else is coming.
func (h *harness) forwarded() string {
	h.t.Helper()
	before := h.consumed
	st, _, _ := h.do("GET", "/g/collect?v=2&tid=G-OTHER99&en=sentinel", h.browser(nil), "")
	if st != 204 {
		h.t.Fatalf("sentinel status %d", st)
	}
	var got []upstreamReq
	for n := before + 1; ; n++ {
		reqs := h.up.wait(h.t, n)
		last := reqs[len(reqs)-1]
		if strings.Contains(last.URI, "tid=G-OTHER99") && strings.Contains(last.URI, "en=sentinel") {
			got = reqs[before : len(reqs)-1]
			h.consumed = len(reqs)
			break
		}
	}
	if len(got) == 0 {
		return "(none)\n"
	}
	var b strings.Builder
	for i, r := range got {
		if i > 0 {
			b.WriteString("-- upstream --\n")
		}
		b.WriteString(r.Method + " " + r.URI + "\n")
		names := headerNames(r.Header)
		sort.Strings(names)
		for _, k := range names {
			if k == "Host" || k == "Content-Length" {
				continue
			}
			for _, v := range r.Header[k] {
				b.WriteString(k + ": " + v + "\n")
			}
		}
		b.WriteString("\n" + r.Body)
		if r.Body != "" {
			b.WriteString("\n")
		}
	}
	return b.String()
}

type golden struct {
	preamble    string
	opts        map[string]string
	method, uri string
	header      map[string]string
	body        string
	rawRequest  string
	upstream    string
}

func readGolden(t *testing.T, file string) *golden {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	reqAt := strings.Index(s, "-- request --\n")
	upAt := strings.Index(s, "-- upstream --\n")
	if reqAt < 0 || upAt < reqAt {
		t.Fatalf("%s: want a request section, then an upstream section", file)
	}
	g := &golden{preamble: s[:reqAt], opts: map[string]string{}, header: map[string]string{}}
	for _, line := range strings.Split(g.preamble, "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok && strings.HasPrefix(line, "# ") {
			g.opts[k] = v
		}
	}
	g.rawRequest = s[reqAt+len("-- request --\n") : upAt]
	g.upstream = s[upAt+len("-- upstream --\n"):]
	sc := bufio.NewScanner(strings.NewReader(g.rawRequest))
	sc.Buffer(nil, 1<<20)
	sc.Scan()
	g.method, g.uri, _ = strings.Cut(sc.Text(), " ")
	for sc.Scan() && sc.Text() != "" {
		k, v, _ := strings.Cut(sc.Text(), ": ")
		g.header[k] = v
	}
	var body []string
	for sc.Scan() {
		body = append(body, sc.Text())
	}
	g.body = strings.Join(body, "\n")
	return g
}

func (g *golden) write(t *testing.T, file, upstream string) {
	t.Helper()
	out := g.preamble + "-- request --\n" + g.rawRequest + "-- upstream --\n" + upstream
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
