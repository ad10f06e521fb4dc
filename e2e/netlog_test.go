package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// netEntry is one request the page made, as Chromium's network events saw it.
type netEntry struct {
	URL, Method string
	Type        network.ResourceType
	Status      int64
	Encoding    string
	Bytes       float64 // encoded bytes on the wire
	Failed      string  // why loading failed (blocked, aborted, …), if it did
	Done        bool    // finished or failed
	Sent, End   float64 // monotonic seconds: request sent, loading finished or failed
}

// netLog records every request of the tab, in order, from the tab's event
// loop (so nothing is missed between subscribing and navigating).
type netLog struct {
	mu      sync.Mutex
	entries []*netEntry
	byID    map[network.RequestID]*netEntry
	console []string // uncaught exceptions, console errors and warnings, browser log entries
}

func (n *netLog) listen(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		en := &netEntry{URL: ev.Request.URL, Method: ev.Request.Method, Type: ev.Type, Sent: float64(ev.Timestamp)}
		n.entries = append(n.entries, en)
		n.byID[ev.RequestID] = en
	case *network.EventResponseReceived:
		if en := n.byID[ev.RequestID]; en != nil && ev.Response != nil {
			en.Status = ev.Response.Status
			for k, v := range ev.Response.Headers {
				if strings.EqualFold(k, "content-encoding") {
					en.Encoding = fmt.Sprint(v)
				}
			}
		}
	case *network.EventLoadingFinished:
		if en := n.byID[ev.RequestID]; en != nil {
			en.Bytes, en.Done, en.End = ev.EncodedDataLength, true, float64(ev.Timestamp)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		n.console = append(n.console, fmt.Sprintf("exception %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			n.console = append(n.console, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry != nil && ev.Entry.Level != cdplog.EntryLevelVerbose && ev.Entry.Level != cdplog.EntryLevelInfo {
			n.console = append(n.console, fmt.Sprintf("log %s %s: %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventLoadingFailed:
		if en := n.byID[ev.RequestID]; en != nil {
			why := ev.ErrorText + " " + string(ev.BlockedReason)
			if ev.CorsErrorStatus != nil {
				why += " " + string(ev.CorsErrorStatus.CorsError)
			}
			en.Failed, en.Done, en.End = strings.TrimSpace(why), true, float64(ev.Timestamp)
		}
	}
}

// Console returns what the page reported as going wrong so far.
func (n *netLog) Console() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.console...)
}

// Wait waits up to 5 s for a request whose URL starts with prefix. Events
// from the browser can trail what the stub servers already saw.
func (n *netLog) Wait(t testing.TB, prefix string) netEntry {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, en := range n.Since(0, prefix) {
			if strings.HasPrefix(en.URL, prefix) {
				return en
			}
		}
		if time.Now().After(deadline) {
			var all []string
			for _, en := range n.Since(0, "") {
				all = append(all, en.URL)
			}
			t.Fatalf("the browser made no request to %s…; it made %q", prefix, all)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Mark returns a position; Since(mark) lists requests after it.
func (n *netLog) Mark() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.entries)
}

// Since returns the requests made after mark whose URL contains any of subs.
func (n *netLog) Since(mark int, subs ...string) []netEntry {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []netEntry
	for _, en := range n.entries[mark:] {
		for _, s := range subs {
			if strings.Contains(en.URL, s) {
				out = append(out, *en)
				break
			}
		}
	}
	return out
}
