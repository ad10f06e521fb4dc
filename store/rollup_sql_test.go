package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// recEngine records the statements it is given and answers nothing.
type recEngine struct{ sql []string }

func (r *recEngine) Exec(_ context.Context, sql string) error {
	r.sql = append(r.sql, "EXEC "+sql)
	return nil
}
func (r *recEngine) Query(_ context.Context, sql string, args ...any) (consentproxy.Result, error) {
	r.sql = append(r.sql, "QUERY "+sql)
	return consentproxy.Result{}, nil
}

func recordRollupSQL(t *testing.T, o Options) string {
	t.Helper()
	r := &recEngine{}
	d := time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC)
	if err := Rollup(context.Background(), r, o, d, d.AddDate(0, 0, 3), 7); err != nil {
		t.Fatal(err)
	}
	if _, err := StaleDays(context.Background(), r, o, d, d.AddDate(0, 0, 3)); err != nil {
		t.Fatal(err)
	}
	return strings.Join(r.sql, "\n") + "\n"
}

// TestRollupSQLPinned: pinned at migration 2, 4 or 5, Rollup and StaleDays
// send exactly what the releases that shipped 002, 004 and 005 sent (the
// golden files are those releases' output, recorded from their code), so
// the upgrade test's "old proxy" is the old proxy; unpinned they name the
// new columns and tables too.
func TestRollupSQLPinned(t *testing.T) {
	for _, upTo := range []uint32{2, 4, 5} {
		want, err := os.ReadFile(fmt.Sprintf("testdata/rollup_schema%d.golden", upTo))
		if err != nil {
			t.Fatal(err)
		}
		if got := recordRollupSQL(t, Options{Database: "cp", UpTo: upTo}); got != string(want) {
			t.Errorf("rollup SQL at migration %d differs from that release's:\n%s", upTo, got)
		}
	}
	got := recordRollupSQL(t, Options{Database: "cp"})
	for _, part := range []string{"sum(engagement_ms)", "INSERT INTO cp.consent_jurisdictions_daily ",
		"INSERT INTO cp.goals_daily ", "INSERT INTO cp.funnels_monthly "} {
		if !strings.Contains(got, part) {
			t.Errorf("rollup SQL at the newest schema lacks %q:\n%.500s", part, got)
		}
	}
}
