package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/proxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/web"
)

// profileRun serves the hot path in this process, wired as cmd/consentproxy
// wires it (with -profile-store, flushing to a ClickHouse server; without,
// collecting every 10 s as the binary's --store none does), drives it with the same mix, and writes
// CPU, allocation, heap, mutex and block profiles into dir. The binary has
// no profiling endpoint on purpose: nothing about it should be reachable
// from a production port.
func (h *harness) profileRun(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := h.writeMix(h.o.visitors)
	if err != nil {
		return err
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	codec, err := consent.NewCodec([][]byte{[]byte(h.secret)}, 4368*time.Hour, nil)
	if err != nil {
		return err
	}
	agg, err := aggregate.New(aggregate.Config{Secret: []byte(h.secret), CountWithoutConsent: true})
	if err != nil {
		return err
	}
	var fwd *proxy.Forwarder
	pprof.Do(ctx, pprof.Labels("role", "forwarder"), func(context.Context) {
		fwd, err = proxy.NewForwarder(proxy.ForwarderConfig{Upstream: "http://" + h.stub.addr()})
	})
	if err != nil {
		return err
	}
	scripts, err := proxy.NewScripts(proxy.ScriptConfig{Upstream: "http://" + h.stub.addr()})
	if err != nil {
		return err
	}
	p := proxy.New(proxy.Config{
		MeasurementIDs: h.sites, Origins: web.NewOrigins(nil), Trust: web.NewTrust(trusted),
		Policy: consent.Policy{HonorDNT: true, HonorGPC: true}, Codec: codec, Revision: "1",
		Minimizer: proxy.Minimizer{}, Agents: uaparse.New(0), Recorder: agg, Forwarder: fwd, Scripts: scripts,
	})
	app, _ := web.NewApp(web.Config{TrustedProxies: trusted})
	app.Use(web.Guard(), web.SecurityHeaders())
	p.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go pprof.Do(ctx, pprof.Labels("role", "proxy"), func(context.Context) { _ = app.Listener(ln) })
	defer app.Shutdown()
	bg, stopBg := context.WithCancel(ctx)
	defer stopBg()
	if h.o.profileStore != "" {
		// The ClickHouse server store, flushed as the binary flushes it.
		st, err := clickhouse.Open(ctx, h.o.profileStore, store.Options{})
		if err != nil {
			return fmt.Errorf("open clickhouse: %w", err)
		}
		defer st.Close()
		fl, err := aggregate.NewFlusher(agg, st, aggregate.FlushConfig{SpoolDir: filepath.Join(h.tmp, "spool")})
		if err != nil {
			return err
		}
		go fl.Run(bg)
	} else {
		go func() {
			t := time.NewTicker(10 * time.Second)
			defer t.Stop()
			for {
				select {
				case <-bg.Done():
					return
				case <-t.C:
					agg.Collect()
				}
			}
		}()
	}
	h.stub.reset()
	addr := ln.Addr().String()
	warm, err := h.load(ctx, addr, data, h.o.warmup)
	if err != nil {
		return err
	}

	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return err
	}
	defer cpu.Close()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return err
	}
	r, err := h.load(ctx, addr, data, h.o.duration)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	for _, name := range []string{"allocs", "heap", "mutex", "block"} {
		f, err := os.Create(filepath.Join(dir, name+".pprof"))
		if err != nil {
			return err
		}
		if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
			f.Close()
			return err
		}
		f.Close()
	}
	runtime.SetMutexProfileFraction(0)
	runtime.SetBlockProfileRate(0)
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := fwd.Close(dctx); err != nil {
		return err
	}
	st := fwd.Stats()
	got := h.stub.counts()
	var outcomes []string
	for reason, n := range p.Outcomes() {
		outcomes = append(outcomes, fmt.Sprintf("%s=%d", reason, n))
	}
	fmt.Printf("profile: %.0f req/s, p50 %.2f ms, p99 %.2f ms over %v\n", float64(r.Requests)/(float64(r.DurationUS)/1e6),
		float64(r.P50)/1e3, float64(r.P99)/1e3, h.o.duration)
	fmt.Printf("profile: %.1f allocs and %.0f bytes per request (whole process, incl. Fiber and the forwarder)\n",
		float64(ms1.Mallocs-ms0.Mallocs)/float64(r.Requests), float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(r.Requests))
	fmt.Printf("profile: heap in use %.1f MiB (%.1f MiB after GC), runtime total %.1f MiB\n",
		float64(ms1.HeapInuse)/(1<<20), float64(liveHeap())/(1<<20), float64(ms1.Sys)/(1<<20))
	fmt.Printf("profile: forwarder %+v; stub %+v; wrk sent %d hits, %d consented events\n", st, got, warm.Sent+r.Sent, warm.Forwarded+r.Forwarded)
	fmt.Printf("profile: outcomes %s; aggregator %+v\n", strings.Join(outcomes, " "), agg.Stats())
	fmt.Printf("profile: wrote %s/{cpu,allocs,heap,mutex,block}.pprof; read with go tool pprof -tagignore role=stub -top %s/cpu.pprof\n", dir, dir)
	return nil
}

// liveHeap collects and returns the bytes still reachable.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
