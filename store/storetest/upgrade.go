package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/store"
)

// Opener opens a store on database o.Database (with o.UpTo) the way the
// adapter's own Open does, arranging clean-up with t.Cleanup. The Engine
// runs statements the Store interface does not offer (the test tampers
// with schema_migrations through it).
type Opener func(t *testing.T, o store.Options) (consentproxy.Store, store.Engine, error)

// previousReleases are the last migrations of the releases an installation
// upgrades from: 2, the release before engagement_ms (003); 4, the release
// of 003 and the filtered table (004); and 5, the previous release (the
// consent_jurisdictions table, 005). Upgrade runs from each of them.
var previousReleases = []uint32{2, 4, 5}

// Upgrade starts, once per previous release, from an installation made by
// that release (the schema up to its migration, and data written and
// rolled up with that release's column and table lists, which a store
// pinned at UpTo sends byte for byte: store/chdb's
// insert_pages_schema2.golden and insert_pages.golden, store's
// rollup_schema2.golden, rollup_schema4.golden and rollup_schema5.golden
// are those releases' statements), upgrades it by opening it with this
// release, and checks
// that:
//
//   - during the rollout the old proxy keeps writing and rolling up, the
//     new columns of its rows default to 0, and it refuses rows of a table
//     its schema does not have (consentproxy.Table.Since) instead of
//     writing them;
//   - a spool file the oldest release wrote (aggregate/testdata/spool-v1.golden)
//     replays into the new schema;
//   - every total of every table and every daily and monthly rollup is
//     exact across the boundary, once StaleDays has found what the old
//     proxy rolled up without the new columns and tables;
//   - a database recording a migration this binary does not know is refused
//     with store.ErrSchemaNewer.
func Upgrade(t *testing.T, open Opener) {
	for _, from := range previousReleases {
		t.Run(fmt.Sprintf("From%d", from), func(t *testing.T) { upgradeFrom(t, open, from) })
	}
}

func upgradeFrom(t *testing.T, open Opener, from uint32) {
	db := "cpup_" + randomHex(t)
	mustOpen := func(upTo uint32) (consentproxy.Store, store.Engine) {
		t.Helper()
		s, e, err := open(t, store.Options{Database: db, UpTo: upTo})
		if err != nil {
			t.Fatalf("open %s at migration %d: %v", db, upTo, err)
		}
		return s, e
	}
	// What the old schema lacks: columns and tables of later migrations.
	var newCols []string
	for _, c := range consentproxy.MetricColumns {
		if c.Since > from {
			newCols = append(newCols, c.Name)
		}
	}
	var newTables []consentproxy.Table
	for _, tb := range consentproxy.Tables() {
		if tb.Since > from {
			newTables = append(newTables, tb)
		}
	}
	if len(newTables) == 0 && len(newCols) == 0 {
		t.Fatalf("nothing is newer than migration %d: the test checks nothing", from)
	}
	// has says how many of the newer columns and tables exist.
	has := func(s consentproxy.Store) (cols, tables int) {
		have := map[string]bool{}
		for _, n := range rows(query(t, s, "SELECT DISTINCT name FROM system.columns WHERE database = ?", db)) {
			have["column "+n] = true
		}
		for _, n := range rows(query(t, s, "SELECT name FROM system.tables WHERE database = ?", db)) {
			have["table "+n] = true
		}
		for _, c := range newCols {
			if have["column "+c] {
				cols++
			}
		}
		for _, tb := range newTables {
			if have["table "+tb.Name+"_in"] && have["table "+tb.Name] && have["table "+tb.Name+"_daily"] && have["table "+tb.Name+"_monthly"] {
				tables++
			}
		}
		return cols, tables
	}

	old, oldEngine := mustOpen(from)
	if c, tb := has(old); c != 0 || tb != 0 {
		t.Fatalf("at migration %d, %d newer columns and %d newer tables exist already", from, c, tb)
	}
	m := newModel()
	day0 := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3)
	day2 := day0.AddDate(0, 0, 2)
	hours := []time.Time{day0.Add(10 * time.Hour), day0.Add(23 * time.Hour), day0.Add(29 * time.Hour)}
	m.write(t, old, from, "old-a", 1, 1, hours)
	m.write(t, old, from, "old-a", 2, 2, hours[:2]) // cumulative: replaces v1 in two hours
	rollup(t, old, day0, day2, 1)

	// A first attempt at the upgrade dies after two statements of the
	// next migration; the guards let the real one run them again.
	interrupt(t, old, oldEngine, from)
	// The upgrade: this release opens the database and migrates it.
	began := time.Now()
	cur, curEngine := mustOpen(0)
	t.Logf("upgrade from migration %d to the newest took %v", from, time.Since(began).Round(time.Millisecond))
	if c, tb := has(cur); c != len(newCols) || tb != len(newTables) {
		t.Fatalf("after the upgrade %d of the newer columns %v and %d of the %d newer tables exist", c, newCols, tb, len(newTables))
	}
	// The rollout: the old proxy still runs beside the new one, and refuses
	// what its schema cannot hold rather than writing part of it.
	for _, tb := range newTables {
		b := consentproxy.Batch{Instance: "old-b", Version: 1, Tables: []consentproxy.TableRows{{Table: tb,
			Rows: []consentproxy.Row{{Site: "G-UP", Hour: hours[0], Dims: dimsFor(tb, 0), Metrics: metricsFor(99)}}}}}
		if err := old.Write(ctx(t), b); err == nil {
			t.Errorf("a store pinned at migration %d wrote table %s (since %d)", from, tb.Name, tb.Since)
		}
	}
	m.write(t, old, from, "old-b", 1, 30, hours)
	m.write(t, cur, 0, "new-c", 1, 60, hours)
	// The old proxy rolls up days that now have new columns and tables,
	// without them.
	rollup(t, old, day0, day2, 2)
	replayOldSpool(t, cur)

	ru := cur.(consentproxy.Rollups)
	stale, err := ru.StaleDays(ctx(t), day0, day2)
	if err != nil {
		t.Fatalf("StaleDays: %v", err)
	}
	if len(stale) != 2 {
		t.Errorf("StaleDays after the old proxy's rollup = %v, want both days (what it does not know is missing)", stale)
	}
	rollup(t, cur, day0, day2, 3)
	if stale, err := ru.StaleDays(ctx(t), day0, day2); err != nil || len(stale) != 0 {
		t.Errorf("StaleDays after the new rollup = %v, %v; want none", stale, err)
	}
	m.check(t, cur)

	// The spool of the oldest release, replayed: what aggregate's v1Batch holds.
	wantRows(t, "replayed spool: totals", query(t, cur, totalsQuery(consentproxy.TableTotals), "G-X"),
		"0\t3\t5\t2\t1\t60000\t0\t2")
	wantRows(t, "replayed spool: sources", query(t, cur, totalsQuery(consentproxy.TableSources), "G-X"),
		"0\t0\t0\t1\t-1\t0\t0\t0")
	wantRows(t, "replayed spool: outcomes", query(t, cur,
		"SELECT site, reason, sum(hits) FROM outcomes FINAL WHERE site IN ('', 'G-X') GROUP BY site, reason ORDER BY site"),
		"\tinvalid\t7", "G-X\tgpc\t1")

	// A newer release's migration recorded: this binary must refuse it.
	if err := curEngine.Exec(ctx(t), "INSERT INTO "+db+".schema_migrations (version, name, applied_at) SELECT 99, '099_from_the_future', now()"); err != nil {
		t.Fatalf("record a future migration: %v", err)
	}
	if _, _, err := open(t, store.Options{Database: db}); !errors.Is(err, store.ErrSchemaNewer) {
		t.Errorf("open a database at migration 99: %v, want store.ErrSchemaNewer", err)
	} else if !strings.Contains(err.Error(), "99") {
		t.Errorf("the refusal does not name the migration: %v", err)
	}
}

// interrupt runs the first statements of the migration after from, as a
// start-up killed during the migration leaves them.
func interrupt(t *testing.T, s consentproxy.Store, e store.Engine, from uint32) {
	t.Helper()
	st, ok := s.(interface {
		Features() store.Features
		Options() store.Options
	})
	if !ok {
		t.Fatalf("%T does not say its Features and Options", s)
	}
	o := st.Options()
	o.UpTo = 0
	migs, err := store.Migrations(st.Features(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migs {
		if m.Version != from+1 {
			continue
		}
		for _, stmt := range m.Statements[:2] {
			if err := e.Exec(ctx(t), stmt.SQL); err != nil {
				t.Fatalf("%s, first statements: %v", m.Name, err)
			}
		}
		return
	}
	t.Fatalf("no migration %d", from+1)
}

// Pending checks an adapter's Pending (what migrate --dry-run prints)
// against what Migrate then applies: every migration before the database
// exists, the rest at each previous release's schema, none once migrated.
// It never applies anything itself.
func Pending(t *testing.T, pending func(o store.Options) ([]store.Migration, error), open Opener) {
	db := "cppend_" + randomHex(t)
	all, err := store.Migrations(store.Features{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, want []store.Migration) {
		t.Helper()
		got, err := pending(store.Options{Database: db})
		if err != nil {
			t.Fatalf("%s: Pending: %v", what, err)
		}
		if names(got) != names(want) {
			t.Errorf("%s: pending %s, want %s", what, names(got), names(want))
		}
	}
	check("no database", all)
	for _, upTo := range previousReleases {
		if _, _, err := open(t, store.Options{Database: db, UpTo: upTo}); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("at migration %d, a previous release's schema", upTo), all[upTo:])
	}
	if _, _, err := open(t, store.Options{Database: db}); err != nil {
		t.Fatal(err)
	}
	check("migrated", nil)
}

func names(migs []store.Migration) string {
	var out []string
	for _, m := range migs {
		out = append(out, m.Name)
	}
	return "[" + strings.Join(out, " ") + "]"
}

func randomHex(t *testing.T) string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

func rollup(t *testing.T, s consentproxy.Store, from, to time.Time, version uint64) {
	t.Helper()
	if err := s.(consentproxy.Rollups).Rollup(ctx(t), from, to, version); err != nil {
		t.Fatalf("Rollup %s..%s v%d: %v", from.Format(time.DateOnly), to.Format(time.DateOnly), version, err)
	}
}

// replayOldSpool replays spool-v1.golden through aggregate.Flusher, as a
// new proxy starting on an old proxy's spool directory does.
func replayOldSpool(t *testing.T, s consentproxy.Store) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "aggregate", "testdata", "spool-v1.golden"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old.cpspool"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := aggregate.New(aggregate.Config{Secret: []byte("upgrade-test-secret-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	f, err := aggregate.NewFlusher(a, s, aggregate.FlushConfig{SpoolDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Replay(ctx(t)); err != nil {
		t.Fatalf("replay the old spool: %v", err)
	}
	if st := f.Stats(); st.BatchesWritten != 1 || st.Spooled != 0 || st.BatchesDropped != 0 {
		t.Fatalf("replay the old spool: %+v", st)
	}
}

// model is what the store must hold: the newest version of every
// (instance, site, hour, dims) key, as ReplacingMergeTree keeps it.
type model struct {
	rows map[string]map[string]consentproxy.Row // table → key → row
}

func newModel() *model { return &model{rows: map[string]map[string]consentproxy.Row{}} }

// write writes one batch of every table a store pinned at upTo (0: the
// newest) has, for site G-UP; such a store cannot hold newer metrics, so
// the model zeroes them (the columns' default) for its writes.
func (m *model) write(t *testing.T, s consentproxy.Store, upTo uint32, inst string, version uint64, seed int64, hours []time.Time) {
	t.Helper()
	b := consentproxy.Batch{Instance: inst, Version: version}
	for _, tb := range consentproxy.TablesAt(upTo) { // the old proxy knows no newer table
		tr := consentproxy.TableRows{Table: tb}
		if m.rows[tb.Name] == nil {
			m.rows[tb.Name] = map[string]consentproxy.Row{}
		}
		for i, h := range hours {
			for k := 0; k < 2 && (k == 0 || len(tb.Dims) > 0); k++ {
				r := consentproxy.Row{Site: "G-UP", Hour: h, Dims: dimsFor(tb, k),
					Metrics: metricsFor(seed + int64(i*2+k)), Visitors: visitorsFor(tb, int(seed)*10+i*3+k, 4)}
				tr.Rows = append(tr.Rows, r)
				for _, c := range consentproxy.MetricColumns {
					if upTo != 0 && c.Since > upTo {
						*c.Field(&r.Metrics) = 0
					}
				}
				m.rows[tb.Name][inst+"|"+h.String()+"|"+strings.Join(r.Dims, "|")] = r
			}
		}
		b.Tables = append(b.Tables, tr)
	}
	write(t, s, b)
}

// check compares every table's totals and its daily and monthly rollups
// with the model. A rollup row is per (dims, period), and its visitors are
// that row's own estimate: a monthly row sums its days (the salt is daily,
// so days never share a visitor), and summing over dims counts a visitor
// once per dims.
func (m *model) check(t *testing.T, s consentproxy.Store) {
	t.Helper()
	for _, tb := range consentproxy.Tables() {
		var all consentproxy.Metrics
		var allVis [][]uint64
		type cell struct {
			m   consentproxy.Metrics
			vis [][]uint64
		}
		// day → dims → cell
		days := map[string]map[string]*cell{}
		for _, r := range m.rows[tb.Name] {
			all.Add(r.Metrics)
			allVis = append(allVis, r.Visitors)
			d, k := r.Hour.Format(time.DateOnly), strings.Join(r.Dims, "|")
			if days[d] == nil {
				days[d] = map[string]*cell{}
			}
			if days[d][k] == nil {
				days[d][k] = &cell{}
			}
			days[d][k].m.Add(r.Metrics)
			days[d][k].vis = append(days[d][k].vis, r.Visitors)
		}
		wantRows(t, tb.Name+" totals across the upgrade", query(t, s, totalsQuery(tb), "G-UP"), totalsLine(tb, all, distinct(allVis...)))
		type sum struct {
			m   consentproxy.Metrics
			vis int
		}
		periods := map[string]map[string]*sum{"daily": {}, "monthly": {}}
		for d, cells := range days {
			for _, c := range cells {
				for grain, key := range map[string]string{"daily": d, "monthly": d[:7] + "-01"} {
					p := periods[grain][key]
					if p == nil {
						p = &sum{}
						periods[grain][key] = p
					}
					p.m.Add(c.m)
					p.vis += distinct(c.vis...)
				}
			}
		}
		var sums []string
		for _, c := range consentproxy.MetricColumns {
			sums = append(sums, "sum("+c.Name+")")
		}
		if tb.Visitors {
			sums = append(sums, "sum(visitors)")
		}
		for grain, ps := range periods {
			got := query(t, s, "SELECT toString(start), "+strings.Join(sums, ", ")+" FROM "+tb.Name+"_"+grain+
				" FINAL WHERE site = ? GROUP BY start ORDER BY start", "G-UP")
			var want []string
			for key, p := range ps {
				want = append(want, key+"\t"+totalsLine(tb, p.m, p.vis))
			}
			slices.Sort(want)
			wantRows(t, fmt.Sprintf("%s_%s across the upgrade", tb.Name, grain), got, want...)
		}
	}
}
