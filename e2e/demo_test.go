package e2e

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestDemoWalk is a newcomer's first ten minutes: `make run` starts the
// binary with --demo and prints one URL; the newcomer opens it, goes to
// the demo shop, accepts the banner, walks to another page, watches the
// hits reach the stand-in Google, opens the dashboard (signed in by the
// printed link) and sees the generated week and today's visits. Everything
// is the real binary, the real embedded ClickHouse and a real Chromium,
// with nothing but loopback.
func TestDemoWalk(t *testing.T) {
	chromium := chromiumPath(t)
	axe := axeSource(t)
	chdbLib(t)
	lib := os.Getenv("CONSENTPROXY_CHDB_LIB")
	if lib == "" {
		lib = filepath.Join(repoRoot(t), ".cache", "chdb", "libchdb.so")
	}
	p := &proxyProc{t: t, logs: &syncBuffer{}}
	p.cmd = exec.Command(proxyBinary(t), "--demo", "--listen", "127.0.0.1:0", "--measurement-ids", "G-DEMO0001",
		"--data-dir", t.TempDir(), "--flush-interval", "300ms", "--drain-timeout", "5s",
		// The walk's own page must show among today's pages at any time of
		// day: just after midnight UTC the generated history has fewer
		// than 5 visitors on it today, and it would fold into (other)
		// (CI failed so at 00:09).
		"--min-count", "1")
	p.cmd.Env = append(os.Environ(), "CONSENTPROXY_CHDB_LIB="+lib)
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.logs
	orphanProof(p.cmd)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan struct{})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.logs.Write(append(sc.Bytes(), '\n'))
			if u, ok := strings.CutPrefix(sc.Text(), "consentproxy is ready: open "); ok {
				urls <- u
			}
		}
		io.Copy(io.Discard, out)
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.Stop)
	var open string
	select {
	case open = <-urls:
	case <-p.done:
		t.Fatalf("the demo exited before printing its URL:\n%s", p.logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("no URL printed within 60 s:\n%s", p.logs)
	}
	if !strings.HasPrefix(open, "http://localhost:") || !strings.Contains(open, "/#signin=") {
		t.Fatalf("printed URL %q, want http://localhost:<port>/#signin=…", open)
	}
	origin := open[:strings.Index(open, "/#")]

	ctx, cancel := context.WithTimeout(context.Background(), 2*testBudget)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900), chromedp.UserAgent(desktopUA))...)
	t.Cleanup(acancel)
	e := &env{t: t, proxy: p, net: &netLog{byID: map[network.RequestID]*netEntry{}}}
	tctx, tcancel := chromedp.NewContext(actx, chromedp.WithListener(e.net.listen))
	t.Cleanup(tcancel)
	e.ctx = tctx
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	e.addInitScript(string(readTestdata(t, "instrument.js")))
	t.Cleanup(e.checkCSP)

	// follow clicks a link, as the newcomer does, and waits for its page.
	follow := func(sel string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
		defer cancel()
		if resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
			t.Fatalf("follow %s: %v%s", sel, err, e.diagnostics())
		} else if resp.Status != 200 {
			t.Fatalf("follow %s: %d %s", sel, resp.Status, resp.URL)
		}
	}

	// The landing page: what runs, and the links.
	e.Do("open the printed URL", chromedp.Navigate(open))
	e.WaitVisible("h1")
	if h := eval[string](e, `location.hash`); h != "" {
		t.Errorf("the sign-in code stays in the address bar: %q", h)
	}
	if href := eval[string](e, `document.querySelector("a[data-dashboard]").href`); !strings.Contains(href, "/dashboard#signin=") {
		t.Errorf("the landing page's dashboard link %q does not carry the sign-in", href)
	}
	e.Screenshot("demo-landing")
	e.audit(axe, "body", "landing page")

	// The shop: the banner, accepted; the panel shows the hits Google got.
	follow(`a[href="/demo/"]`)
	e.WaitVisible(banner)
	// Basic mode: before a choice no tag is loaded (the fake sets
	// window.__fakeGtag when it runs), so nothing can reach the stand-in.
	if loaded := eval[bool](e, `typeof window.__fakeGtag !== "undefined"`); loaded {
		t.Error("gtag.js ran before any choice")
	}
	if n := eval[int](e, `Number(document.getElementById("google-total").textContent)`); n != 0 {
		t.Errorf("before any choice the stand-in Google got %d hits", n)
	}
	e.Screenshot("demo-shop-banner")
	e.Click(accept)
	e.WaitHidden(banner)
	e.waitJS("the first page view reached the stand-in", `Number(document.getElementById("google-total").textContent) >= 1`)
	e.waitJS("the panel shows the choice", `document.getElementById("choice").textContent.startsWith("analytics on")`)
	follow(`nav a[href="/demo/products"]`)
	e.waitJS("the products page view reached the stand-in", `Number(document.getElementById("google-total").textContent) >= 2`)
	hit := eval[string](e, `document.querySelector("#google-hits li").textContent`)
	if !strings.Contains(hit, "page_view") || !strings.Contains(hit, origin+"/demo/products") || strings.Contains(hit, "127.0.0.1") {
		t.Errorf("the newest hit the panel shows: %q", hit)
	}
	e.Screenshot("demo-shop-accepted")
	e.audit(axe, "body", "demo shop")

	// The simulated GPC page: the notice, no banner, no tag.
	follow(`a[href="/demo/products?gpc=1"]`)
	e.WaitVisible(notice)
	e.waitJS("the panel names the signal", `document.getElementById("choice").textContent.startsWith("opted out by GPC")`)

	// The dashboard, signed in by the link the landing page kept for the tab.
	follow(`a[href="/dashboard"]`)
	e.WaitVisible("#dash")
	e.Do("pick the last 7 days", chromedp.SetValue("#period", "7d"))
	eval[chromedp.Void](e, `document.getElementById("period").dispatchEvent(new Event("change"))`)
	e.waitJS("the week's visitors", `(() => { const v = document.querySelector('#kpis [data-metric="visitors"]');
		return !!v && Number(v.textContent.replace(/[^0-9]/g, "")) > 500 && !document.getElementById("dash").hasAttribute("aria-busy"); })()`)
	e.settled("#dash")
	e.Screenshot("demo-dashboard")
	// The walk's own page views are today's, in the store after a flush.
	e.Do("pick today", chromedp.SetValue("#period", "today"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		eval[chromedp.Void](e, `document.getElementById("period").dispatchEvent(new Event("change"))`)
		e.waitJS("loaded", `!document.getElementById("dash").hasAttribute("aria-busy")`)
		if strings.Contains(eval[string](e, `document.querySelector('section[data-table="pages"]').textContent`), "/demo/products") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("today's pages never show the walk's /demo/products%s", e.diagnostics())
		}
		time.Sleep(2 * time.Second) // a reload is about 28 requests of the token's rate
	}
}
