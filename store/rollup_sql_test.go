package store

import (
	"context"
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

// TestRollupSQLPinned: pinned at migration 2, Rollup and StaleDays send
// exactly what the release that shipped 002 sent (the golden file is that
// release's output, recorded from its code), so the upgrade test's "old
// proxy" is the old proxy; unpinned they name the new columns too.
func TestRollupSQLPinned(t *testing.T) {
	want, err := os.ReadFile("testdata/rollup_schema2.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got := recordRollupSQL(t, Options{Database: "cp", UpTo: 2}); got != string(want) {
		t.Errorf("rollup SQL at migration 2 differs from the previous release's:\n%s", got)
	}
	if got := recordRollupSQL(t, Options{Database: "cp"}); !strings.Contains(got, "sum(engagement_ms)") {
		t.Errorf("rollup SQL at the newest schema lacks engagement_ms:\n%.500s", got)
	}
}
