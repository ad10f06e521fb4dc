package aggregate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	randv2 "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// FlushConfig configures a Flusher. Zero values mean the defaults.
type FlushConfig struct {
	// Interval between flushes. Default 10s. A SIGKILL loses at most the hits
	// of the last Interval (plus, while the store is unreachable, the batches
	// still pending in memory; see MaxPendingBatches).
	Interval time.Duration
	// SpoolDir keeps batches that could not be written, one file each, until
	// they are. Required. Created (0700) if missing; if it cannot be written,
	// the proxy keeps serving and Stats counts what was dropped.
	SpoolDir string
	// MaxPendingBatches is how many failed batches stay in memory; one more
	// and they all go to SpoolDir, merged into one file. Default 16.
	MaxPendingBatches int
	// Timeout bounds each store write. Default 10s.
	Timeout time.Duration
	// MaxBackoff caps the exponential backoff between retries while the store
	// keeps failing. Default 5m.
	MaxBackoff time.Duration
	// Logger gets failures (never row contents). Default slog.Default().
	Logger *slog.Logger
}

// FlushStats are the flusher's health counters, for /metrics and /readyz.
type FlushStats struct {
	RowsWritten         uint64    // rows in batches the store accepted
	BatchesWritten      uint64    // batches the store accepted
	WriteFailures       uint64    // failed write attempts
	BatchesSpooled      uint64    // batches moved to SpoolDir (merged: several per file)
	SpoolErrors         uint64    // spool files that could not be written or read
	BatchesDropped      uint64    // batches given up: spool unwritable, or a corrupt file
	RowsDropped         uint64    // rows given up with them (after merging; unknown for corrupt files)
	Pending             int       // failed batches waiting in memory
	Spooled             int       // spool files waiting to be written
	ConsecutiveFailures int       // 0 once a write succeeds
	LastSuccess         time.Time // last accepted write
	LastError           time.Time // last failed write
	NextRetry           time.Time // zero when not backing off
	LastSpoolError      time.Time // last spool file that could not be written or read
	WriteNanos          uint64    // time spent in store writes, failed ones included
}

// Flusher moves the aggregator's batches to the store: one batch per flush,
// kept and retried until written. Every batch is idempotent (see
// consentproxy.Row), so a retry or a replay never counts twice.
type Flusher struct {
	a   *Aggregator
	s   consentproxy.Store
	cfg FlushConfig
	log *slog.Logger

	mu      sync.Mutex // serializes flushes
	pending []consentproxy.Batch
	spooled []string // file names in SpoolDir, oldest first
	fails   int
	next    time.Time

	statsMu sync.Mutex
	stats   FlushStats
}

const spoolExt = ".cpspool"

// NewFlusher returns a Flusher; call Replay, then Run.
func NewFlusher(a *Aggregator, s consentproxy.Store, cfg FlushConfig) (*Flusher, error) {
	if a == nil || s == nil {
		return nil, errors.New("aggregate: flusher needs an aggregator and a store")
	}
	if cfg.SpoolDir == "" {
		return nil, errors.New("aggregate: flusher needs a spool directory")
	}
	if cfg.Interval < 0 || cfg.Timeout < 0 || cfg.MaxPendingBatches < 0 || cfg.MaxBackoff < 0 {
		return nil, errors.New("aggregate: flush settings must not be negative")
	}
	if cfg.Interval == 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.MaxPendingBatches == 0 {
		cfg.MaxPendingBatches = 16
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	f := &Flusher{a: a, s: s, cfg: cfg, log: cfg.Logger}
	if err := os.MkdirAll(cfg.SpoolDir, 0o700); err != nil {
		f.log.Warn("aggregate spool directory unusable; failed batches beyond the memory bound will be dropped",
			"spool_dir", cfg.SpoolDir, "err", err)
	}
	return f, nil
}

// Run flushes every Interval until ctx is done. It does not flush on exit:
// call Flush with a fresh, time-limited context after Run returns.
func (f *Flusher) Run(ctx context.Context) {
	t := time.NewTicker(f.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.tick(ctx)
		}
	}
}

// tick is one periodic flush: collect, write unless backing off, and move
// what exceeds the memory bound to disk.
func (f *Flusher) tick(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.collect()
	if !time.Now().Before(f.next) {
		_ = f.drain(ctx)
	}
	f.bound()
}

// Flush collects, writes every pending batch (ignoring backoff) and spools
// whatever is still unwritten, so that nothing collected is lost when the
// process exits next. At shutdown, pass a fresh, time-limited context.
func (f *Flusher) Flush(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.collect()
	err := f.drain(ctx)
	f.spoolPending()
	f.updateQueue()
	return err
}

// Replay writes the batches found in SpoolDir (left by this or an earlier
// process) and deletes each once written. Those it cannot write stay queued
// for Run's retries.
func (f *Flusher) Replay(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	ents, err := os.ReadDir(f.cfg.SpoolDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read spool directory: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, ".tmp-"): // a crash while spooling
			_ = os.Remove(filepath.Join(f.cfg.SpoolDir, name))
		case strings.HasSuffix(name, spoolExt) && !slices.Contains(f.spooled, name):
			f.spooled = append(f.spooled, name)
		}
	}
	f.updateQueue()
	if len(f.spooled) == 0 {
		return nil
	}
	return f.drain(ctx)
}

// Stats returns a snapshot of the counters.
func (f *Flusher) Stats() FlushStats {
	f.statsMu.Lock()
	defer f.statsMu.Unlock()
	return f.stats
}

func (f *Flusher) collect() {
	if b := f.a.Collect(); b.Len() > 0 {
		f.pending = append(f.pending, b)
	}
	f.updateQueue()
}

// drain writes spooled batches, then pending ones, oldest first, stopping at
// the first failure: the store is then most likely away, and each further
// attempt would only wait for its timeout. The caller holds f.mu.
func (f *Flusher) drain(ctx context.Context) error {
	defer f.updateQueue()
	for len(f.spooled) > 0 {
		name := f.spooled[0]
		path := filepath.Join(f.cfg.SpoolDir, name)
		b, err := readSpool(path)
		if err != nil && !errors.Is(err, errSpoolCorrupt) {
			f.count(func(s *FlushStats) { s.SpoolErrors++; s.LastSpoolError = time.Now() })
			return fmt.Errorf("replay %s: %w", name, err) // I/O trouble: keep the file
		}
		if err != nil {
			f.log.Error("aggregate spool file unreadable; dropping it", "file", name, "err", err)
			_ = os.Remove(path)
			f.spooled = f.spooled[1:]
			f.count(func(s *FlushStats) { s.SpoolErrors++; s.BatchesDropped++; s.LastSpoolError = time.Now() })
			continue
		}
		if err := f.write(ctx, b); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			// Written but not deletable: a later replay rewrites it, which
			// is harmless (idempotent), so only note it.
			f.log.Warn("aggregate spool file written but not deleted", "file", name, "err", err)
		}
		f.spooled = f.spooled[1:]
	}
	for len(f.pending) > 0 {
		if err := f.write(ctx, f.pending[0]); err != nil {
			return err
		}
		f.pending[0] = consentproxy.Batch{}
		f.pending = f.pending[1:]
	}
	return nil
}

func (f *Flusher) write(ctx context.Context, b consentproxy.Batch) error {
	wctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	start := time.Now()
	err := f.s.Write(wctx, b)
	cancel()
	now := time.Now()
	f.count(func(s *FlushStats) { s.WriteNanos += uint64(now.Sub(start)) })
	if err == nil {
		f.fails = 0
		f.next = time.Time{}
		f.count(func(s *FlushStats) {
			s.RowsWritten += uint64(b.Len())
			s.BatchesWritten++
			s.ConsecutiveFailures = 0
			s.LastSuccess = now
			s.NextRetry = time.Time{}
		})
		return nil
	}
	if ctx.Err() != nil {
		// The caller stopped (shutdown while Run was writing): not a store
		// failure. The batch stays pending and Flush writes or spools it.
		f.log.Debug("aggregate flush interrupted; batch kept", "rows", b.Len())
		return fmt.Errorf("write batch %d: %w", b.Version, ctx.Err())
	}
	f.fails++
	delay := f.cfg.Interval << min(f.fails-1, 20)
	if delay > f.cfg.MaxBackoff || delay <= 0 {
		delay = f.cfg.MaxBackoff
	}
	delay = delay/2 + randv2.N(delay/2+1) // jitter: spread instances' retries
	f.next = now.Add(delay)
	f.count(func(s *FlushStats) {
		s.WriteFailures++
		s.ConsecutiveFailures = f.fails
		s.LastError = now
		s.NextRetry = f.next
	})
	f.log.Warn("aggregate flush failed; batch kept for retry",
		"err", err, "rows", b.Len(), "pending", len(f.pending), "spooled", len(f.spooled), "retry_in", delay.Round(time.Millisecond))
	return fmt.Errorf("write batch %d: %w", b.Version, err)
}

// bound moves the pending batches to disk, as one compacted file, once there
// are more than MaxPendingBatches of them.
func (f *Flusher) bound() {
	if len(f.pending) > f.cfg.MaxPendingBatches {
		f.spoolPending()
	}
	f.updateQueue()
}

// spoolPending writes all pending batches to spool files, one per run of
// batches of one instance. They are merged first (see mergeBatches): a hot
// row is re-sent by every flush, so a merged file is about as large as one
// batch, not MaxPendingBatches of them. Batches of different instances (an
// aggregator that started a new epoch, see Config.MaxVisitorHashes) are
// never merged: their rows add up, they do not replace each other.
func (f *Flusher) spoolPending() {
	for len(f.pending) > 0 {
		run := 1
		for run < len(f.pending) && f.pending[run].Instance == f.pending[0].Instance {
			run++
		}
		f.spoolRun(f.pending[:run])
		clear(f.pending[:run])
		f.pending = f.pending[run:]
	}
	f.pending = f.pending[:0]
}

func (f *Flusher) spoolRun(bs []consentproxy.Batch) {
	n := uint64(len(bs))
	// The newest spool file, if it is this instance's, is merged in and
	// replaced: rows are cumulative, so a file per spooling would hold the
	// same rows (their whole visitor sets) again and again, and a long
	// outage would fill the disk with copies. Safe for the reason
	// mergeBatches is: nothing newer than an unwritten file was written.
	prev := ""
	if last := len(f.spooled) - 1; last >= 0 && spoolInstance(f.spooled[last]) == bs[0].Instance {
		if old, err := readSpool(filepath.Join(f.cfg.SpoolDir, f.spooled[last])); err == nil {
			bs, prev = append([]consentproxy.Batch{old}, bs...), f.spooled[last]
		}
	}
	b := mergeBatches(bs)
	name, err := writeSpool(f.cfg.SpoolDir, &b)
	if err != nil {
		f.log.Error("aggregate spool write failed; batch dropped",
			"spool_dir", f.cfg.SpoolDir, "err", err, "rows", b.Len())
		f.count(func(s *FlushStats) {
			s.SpoolErrors++
			s.BatchesDropped += n
			s.RowsDropped += uint64(b.Len())
			s.LastSpoolError = time.Now()
		})
		return
	}
	if prev != "" {
		// The merged file is durable; a crash before this removal leaves
		// both, and replaying both is harmless (the newer version wins).
		_ = os.Remove(filepath.Join(f.cfg.SpoolDir, prev))
		f.spooled = f.spooled[:len(f.spooled)-1]
	}
	f.spooled = append(f.spooled, name)
	f.count(func(s *FlushStats) { s.BatchesSpooled += n })
	f.log.Info("aggregates spooled to disk; they are written when the store is back or at the next start",
		"spool_dir", f.cfg.SpoolDir, "batches", n, "rows", b.Len())
}

func (f *Flusher) updateQueue() {
	p, s := len(f.pending), len(f.spooled)
	f.count(func(st *FlushStats) { st.Pending, st.Spooled = p, s })
}

func (f *Flusher) count(fn func(*FlushStats)) {
	f.statsMu.Lock()
	fn(&f.stats)
	f.statsMu.Unlock()
}

// spoolInstance is the instance a spool file name (writeSpool's
// batch-INSTANCE-VERSION.ext) belongs to, or "" for another name.
func spoolInstance(name string) string {
	s, ok := strings.CutPrefix(name, "batch-")
	if i := strings.LastIndexByte(s, '-'); ok && i > 0 {
		return s[:i]
	}
	return ""
}

// writeSpool stores b durably: a temporary file, fsync'd, renamed into place,
// and the directory fsync'd, so a crash leaves either nothing or the whole
// file.
func writeSpool(dir string, b *consentproxy.Batch) (string, error) {
	name := fmt.Sprintf("batch-%s-%020d%s", b.Instance, b.Version, spoolExt)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("create spool file: %w", err)
	}
	_, err = tmp.Write(encodeBatch(b))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("write spool file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return name, nil
}

const maxSpoolFile = 1 << 30

func readSpool(path string) (consentproxy.Batch, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return consentproxy.Batch{}, fmt.Errorf("stat spool file: %w", err)
	}
	if fi.Size() > maxSpoolFile {
		return consentproxy.Batch{}, fmt.Errorf("%w: %d bytes", errSpoolCorrupt, fi.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return consentproxy.Batch{}, fmt.Errorf("read spool file: %w", err)
	}
	return decodeBatch(data)
}

// mergeBatches compacts consecutive unwritten batches of one instance (the
// caller's duty: see spoolPending) into
// one: for each key the row of the newest batch, all under the newest
// version. That is safe because the flusher writes in collect order and stops
// at the first failure, so no batch newer than the oldest unwritten one has
// been written: no stored row can be newer than a row tagged here.
func mergeBatches(bs []consentproxy.Batch) consentproxy.Batch {
	if len(bs) == 1 {
		return bs[0]
	}
	type key struct {
		table, site string
		hour        int64
		dims        string
	}
	out := consentproxy.Batch{Instance: bs[0].Instance}
	idx := make(map[key][2]int) // → table index in out, row index
	tidx := make(map[string]int)
	for _, b := range bs {
		out.Version = max(out.Version, b.Version)
		for _, tr := range b.Tables {
			ti, ok := tidx[tr.Table.Name]
			if !ok {
				ti = len(out.Tables)
				tidx[tr.Table.Name] = ti
				out.Tables = append(out.Tables, consentproxy.TableRows{Table: tr.Table})
			}
			for _, r := range tr.Rows {
				k := key{tr.Table.Name, r.Site, r.Hour.Unix(), strings.Join(r.Dims, "\x00")}
				if at, ok := idx[k]; ok {
					out.Tables[at[0]].Rows[at[1]] = r // batches come oldest first
					continue
				}
				idx[k] = [2]int{ti, len(out.Tables[ti].Rows)}
				out.Tables[ti].Rows = append(out.Tables[ti].Rows, r)
			}
		}
	}
	return out
}

// spoolErrorWindow is how long a spool failure keeps readiness failing after
// the fact, so that a probe every few seconds cannot miss it.
const spoolErrorWindow = time.Minute

// SpoolCheck reports whether the spool can keep batches: it writes and
// removes a probe file, and fails for a minute after any spool file could
// not be written or read. /readyz uses it, so a full or read-only disk is
// visible before the store goes away and the spool is needed.
func (f *Flusher) SpoolCheck(context.Context) error {
	if last := f.Stats().LastSpoolError; !last.IsZero() && time.Since(last) < spoolErrorWindow {
		return errors.New("spool: a batch could not be kept on disk recently")
	}
	if f.cfg.SpoolDir == "" {
		return nil
	}
	if err := os.MkdirAll(f.cfg.SpoolDir, 0o700); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	p, err := os.CreateTemp(f.cfg.SpoolDir, ".tmp-probe-*")
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer os.Remove(p.Name())
	_, err = p.Write(make([]byte, 4096))
	if err == nil {
		err = p.Sync()
	}
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}
