package proxy

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// blockingUpstream answers the first free requests at once and the others
// with 204 once release is closed; it counts requests answered.
func blockingUpstream(t *testing.T, free int64) (url string, got *atomic.Int64, entered chan struct{}, release chan struct{}) {
	t.Helper()
	got = new(atomic.Int64)
	entered, release = make(chan struct{}, 16), make(chan struct{})
	var seen atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) > free {
			entered <- struct{}{}
			<-release
		}
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), got, entered, release
}

func testJob(f *Forwarder) *job {
	j := f.get()
	j.uri = append(j.uri, "/g/collect?v=2&tid=G-TEST123&en=page_view"...)
	return j
}

// fullQueue brings f (1 worker, queue of 1) to a full queue behind a
// worker blocked on the upstream, right after a send completed: the state
// of a busy but healthy upstream.
func fullQueue(t *testing.T, f *Forwarder, entered chan struct{}) {
	t.Helper()
	f.enqueue(testJob(f))
	for deadline := time.Now().Add(5 * time.Second); f.Stats().Sent == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first hit was not sent")
		}
	}
	if !f.enqueue(testJob(f)) {
		t.Fatal("second hit refused")
	}
	<-entered // the worker holds it, blocked on the upstream
	if !f.enqueue(testJob(f)) {
		t.Fatal("third hit refused although the queue had room")
	}
}

// While the upstream keeps answering, a full queue makes a hit wait up to
// FullWait, then drops it: memory stays bounded and the delay too.
func TestForwarderFullQueueWaitsThenDrops(t *testing.T) {
	url, _, entered, release := blockingUpstream(t, 1)
	f, err := NewForwarder(ForwarderConfig{Upstream: url, Workers: 1, QueueSize: 1, FullWait: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	defer close(release) // first: let the worker finish, so Close returns
	fullQueue(t, f, entered)
	start := time.Now()
	if f.enqueue(testJob(f)) {
		t.Fatal("a hit was queued although the queue was full and the worker blocked")
	}
	if waited := time.Since(start); waited < 30*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waited %v for room, want about 30ms", waited)
	}
	if st := f.Stats(); st.Dropped != 1 || st.Waited != 1 || st.Queued != 3 {
		t.Errorf("stats %+v, want 3 queued, 1 waited, 1 dropped", st)
	}
}

// A hit that finds the queue full is delivered when room appears within
// FullWait: saturation slows intake instead of losing consented hits.
func TestForwarderFullQueueDeliversWhenRoomAppears(t *testing.T) {
	url, got, entered, release := blockingUpstream(t, 1)
	f, err := NewForwarder(ForwarderConfig{Upstream: url, Workers: 1, QueueSize: 1, FullWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	fullQueue(t, f, entered)
	done := make(chan bool)
	go func() { done <- f.enqueue(testJob(f)) }()
	for deadline := time.Now().Add(5 * time.Second); f.Stats().Waited == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the fourth hit did not wait for room")
		}
	}
	close(release)
	if !<-done {
		t.Fatal("the waiting hit was dropped although room appeared")
	}
	if err := f.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := f.Stats(); got.Load() != 4 || st.Sent != 4 || st.Dropped != 0 || st.Waited != 1 {
		t.Errorf("upstream got %d; stats %+v, want 4 sent, 1 waited, none dropped", got.Load(), st)
	}
}

// When the upstream stops answering (no send completes), a full queue drops
// at once: a hanging Google must not slow the site's visitors.
func TestForwarderStalledUpstreamDropsAtOnce(t *testing.T) {
	url, _, entered, release := blockingUpstream(t, 1)
	f, err := NewForwarder(ForwarderConfig{Upstream: url, Workers: 1, QueueSize: 1, FullWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	defer close(release)
	fullQueue(t, f, entered)
	time.Sleep(stallWindow + 50*time.Millisecond)
	start := time.Now()
	if f.enqueue(testJob(f)) || time.Since(start) > time.Second {
		t.Errorf("with the upstream stalled a full queue must drop at once (took %v)", time.Since(start))
	}
	if st := f.Stats(); st.Waited != 0 || st.Dropped != 1 {
		t.Errorf("stats %+v, want 1 dropped without waiting", st)
	}
}

// FullWait < 0 restores drop-at-once.
func TestForwarderNoWait(t *testing.T) {
	url, _, entered, release := blockingUpstream(t, 0)
	f, err := NewForwarder(ForwarderConfig{Upstream: url, Workers: 1, QueueSize: 1, FullWait: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	defer close(release)
	f.enqueue(testJob(f))
	<-entered
	f.enqueue(testJob(f))
	start := time.Now()
	if f.enqueue(testJob(f)) || time.Since(start) > 20*time.Millisecond {
		t.Errorf("with FullWait < 0 a full queue must drop at once (took %v)", time.Since(start))
	}
	if st := f.Stats(); st.Waited != 0 || st.Dropped != 1 {
		t.Errorf("stats %+v", st)
	}
}

// After a failed send the upstream is presumed down: a full queue then drops
// at once, so an outage does not make every visitor wait FullWait.
func TestForwarderNoWaitAfterFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // connections are refused from now on
	f, err := NewForwarder(ForwarderConfig{Upstream: dead, Workers: 1, QueueSize: 1, FullWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	f.enqueue(testJob(f))
	for deadline := time.Now().Add(5 * time.Second); f.Stats().Failed == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the send to a closed port did not fail")
		}
	}
	// Fill the queue until a hit finds it full; none may wait.
	start := time.Now()
	for i := 0; i < 50 && f.Stats().Dropped == 0; i++ {
		f.enqueue(testJob(f))
	}
	if st := f.Stats(); st.Dropped == 0 || st.Waited != 0 || time.Since(start) > 2*time.Second {
		t.Errorf("after a failure: stats %+v in %v, want drops without waiting", st, time.Since(start))
	}
}
