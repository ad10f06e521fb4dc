// Package rollup keeps a store's daily and monthly rollups in step with its
// hourly tables, and tells queries up to when they may read them.
//
// The hourly tables are the truth; the rollups are derived from them (see
// consentproxy.Rollups). Two mechanisms decide which days to derive:
//
//   - Every successful write marks the UTC days of its rows. A marked day is
//     derived once it has closed (Grace after midnight), and again after any
//     later write to it, such as a spool replay.
//   - A check compares every day of the retention period with its rollup,
//     at start-up and every CheckEvery. It finds what a crash between a
//     write and its rollup, or another instance, left behind.
//
// Frontier is the contract with readers: before it, every day the check
// saw and every day this process wrote is derived. It is the zero time
// until the first check has finished, so a fresh start reads hourly rows
// (slower, never wrong). Late writes of other instances reach the rollups
// through their own process, or through the next check here.
package rollup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consentproxy/consentproxy"
)

const day = 24 * time.Hour

// Config tunes a Tracker. The zero value works.
type Config struct {
	// Interval is how often marked days are derived. Default 1 minute.
	Interval time.Duration
	// Grace is how long after a UTC midnight the day before counts as
	// closed, so that its last hour's flush has landed. Default 5 minutes.
	Grace time.Duration
	// CheckEvery is how often every day of the retention period is compared
	// with its rollup. Default 1 hour.
	CheckEvery time.Duration
	// Retention bounds how far back the check looks. Default 25 months
	// (store.DefaultRetention).
	Retention time.Duration
	// Logger receives failures (no personal data: days and errors only).
	// Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Tracker is a consentproxy.Store that marks the days it writes and derives
// their rollups in Run.
type Tracker struct {
	consentproxy.Store
	ru  consentproxy.Rollups
	cfg Config

	mu     sync.Mutex
	dirty  map[int64]struct{} // UTC day (unix seconds) → needs deriving
	failed atomic.Int64

	// frontier is unix seconds of a UTC midnight, 0 = none yet.
	frontier atomic.Int64
	checked  atomic.Bool
	version  atomic.Uint64
}

// New wraps s, which must implement consentproxy.Rollups.
func New(s consentproxy.Store, cfg Config) (*Tracker, error) {
	ru, ok := s.(consentproxy.Rollups)
	if !ok {
		return nil, fmt.Errorf("rollup: store %T keeps no rollups", s)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 5 * time.Minute
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = time.Hour
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 18264 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tracker{Store: s, ru: ru, cfg: cfg, dirty: map[int64]struct{}{}}, nil
}

// Write writes through and, once the store has the rows, marks their days.
func (t *Tracker) Write(ctx context.Context, b consentproxy.Batch) error {
	if err := t.Store.Write(ctx, b); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	last, earliest := int64(-1), int64(math.MaxInt64)
	for _, tr := range b.Tables {
		for _, r := range tr.Rows {
			d := r.Hour.UTC().Truncate(day).Unix()
			if d != last { // rows come grouped by hour: skip the map mostly
				t.dirty[d] = struct{}{}
				last, earliest = d, min(earliest, d)
			}
		}
	}
	// A late write to a day already derived pulls the frontier back at
	// once, so no query reads that day's rollup until it is derived again.
	for {
		f := t.frontier.Load()
		if f == 0 || earliest >= f || t.frontier.CompareAndSwap(f, earliest) {
			return nil
		}
	}
}

// Frontier is the UTC midnight before which the rollups may be read: every
// day before it is derived. Zero means none may be read yet.
func (t *Tracker) Frontier() time.Time {
	f := t.frontier.Load()
	if f == 0 {
		return time.Time{}
	}
	return time.Unix(f, 0).UTC()
}

// Failures counts derive and check rounds that failed (they are retried).
func (t *Tracker) Failures() int64 { return t.failed.Load() }

// Run derives marked days every Interval and checks every CheckEvery,
// until ctx ends. Failures are logged, counted and retried.
func (t *Tracker) Run(ctx context.Context) {
	tick := time.NewTicker(t.cfg.Interval)
	defer tick.Stop()
	var lastCheck time.Time
	for {
		if lastCheck.IsZero() || t.cfg.Now().Sub(lastCheck) >= t.cfg.CheckEvery {
			if err := t.Check(ctx); err != nil {
				t.fail(ctx, "rollup check", err)
			} else {
				lastCheck = t.cfg.Now()
			}
		}
		if err := t.Derive(ctx); err != nil {
			t.fail(ctx, "rollup", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (t *Tracker) fail(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return // shutting down: not a failure
	}
	t.failed.Add(1)
	t.cfg.Logger.Warn(what, "err", err)
}

// Check marks every closed day of the retention period whose rollup
// differs from its hourly rows, then lets Frontier move.
func (t *Tracker) Check(ctx context.Context) error {
	closed := t.closedBefore()
	from := closed.Add(-t.cfg.Retention).Truncate(day)
	days, err := t.ru.StaleDays(ctx, from, closed)
	if err != nil {
		return fmt.Errorf("find stale days: %w", err)
	}
	t.mu.Lock()
	for _, d := range days {
		t.dirty[d.Unix()] = struct{}{}
	}
	t.mu.Unlock()
	t.checked.Store(true)
	return nil
}

// Derive derives every marked day that has closed, in runs of consecutive
// days cut at month ends (one month's rows at a time keeps the engine's
// memory bounded), and advances Frontier.
func (t *Tracker) Derive(ctx context.Context) error {
	closed := t.closedBefore()
	t.mu.Lock()
	var days []int64
	for d := range t.dirty {
		if d < closed.Unix() {
			days = append(days, d)
		}
	}
	t.mu.Unlock()
	slices.Sort(days)
	var errs []error
	for len(days) > 0 {
		n := 1
		first := time.Unix(days[0], 0).UTC()
		for n < len(days) && days[n] == days[n-1]+int64(day/time.Second) &&
			time.Unix(days[n], 0).UTC().Month() == first.Month() {
			n++
		}
		run := days[:n]
		days = days[n:]
		// Unmark first: a write landing while we derive marks the day
		// again, and the next round derives it once more.
		t.mu.Lock()
		for _, d := range run {
			delete(t.dirty, d)
		}
		t.mu.Unlock()
		to := time.Unix(run[len(run)-1], 0).UTC().Add(day)
		if err := t.ru.Rollup(ctx, first, to, t.nextVersion()); err != nil {
			t.mu.Lock()
			for _, d := range run {
				t.dirty[d] = struct{}{}
			}
			t.mu.Unlock()
			errs = append(errs, fmt.Errorf("derive %s..%s: %w", first.Format(time.DateOnly), to.Add(-day).Format(time.DateOnly), err))
			if ctx.Err() != nil {
				break
			}
		}
	}
	t.advance(closed)
	return errors.Join(errs...)
}

// advance sets Frontier to the earliest day still marked, or to the first
// day not closed yet; it stays zero until a check has run.
func (t *Tracker) advance(closed time.Time) {
	if !t.checked.Load() {
		return
	}
	f := closed.Unix()
	// Under the lock, so that a Write pulling the frontier back cannot be
	// overwritten by a value computed before it.
	t.mu.Lock()
	defer t.mu.Unlock()
	for d := range t.dirty {
		f = min(f, d)
	}
	t.frontier.Store(f)
}

// closedBefore is the UTC midnight before which days are closed.
func (t *Tracker) closedBefore() time.Time {
	return t.cfg.Now().UTC().Add(-t.cfg.Grace).Truncate(day)
}

// nextVersion is the clock in milliseconds, forced to grow: a rollup must
// replace the one before even if the clock stepped back.
func (t *Tracker) nextVersion() uint64 {
	for {
		old := t.version.Load()
		v := max(uint64(t.cfg.Now().UnixMilli()), old+1)
		if t.version.CompareAndSwap(old, v) {
			return v
		}
	}
}
