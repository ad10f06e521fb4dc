package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// TestMigrateCommand drives what an operator runs around an upgrade, on a
// server database the previous release made (migrations 1 and 2):
// --check-config names the pending migration, migrate --dry-run prints its
// SQL and changes nothing, migrate applies it and logs the step, and a
// database a newer release migrated is refused at start with a clear reason.
func TestMigrateCommand(t *testing.T) {
	db := uniqueName(t, "cmdmig_")
	dsn := withDB(t, serverDSN(t), db)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	old, err := clickhouse.Open(ctx, dsn, store.Options{UpTo: 2})
	if err != nil {
		t.Fatalf("make a database at migration 2: %v", err)
	}
	defer old.Close()
	t.Cleanup(func() { _ = old.Engine().Exec(context.Background(), "DROP DATABASE IF EXISTS "+db) })
	flags := []string{"--measurement-ids=G-TEST123", "--data-dir=" + t.TempDir(), "--store=" + dsn, "--listen=127.0.0.1:0", "--log-format=json"}
	cmd := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(append(args, flags...), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	pending := func() []string {
		t.Helper()
		migs, err := clickhouse.Pending(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range migs {
			names = append(names, m.Name)
		}
		return names
	}

	newer := pending() // 003_engagement_ms and whatever came after it
	if len(newer) == 0 || newer[0] != "003_engagement_ms" {
		t.Fatalf("at migration 2, pending %v", newer)
	}
	if code, out, errOut := cmd("--check-config"); code != 0 || !strings.Contains(out, fmt.Sprintf("%d pending migration(s)", len(newer))) ||
		!strings.Contains(out, "003_engagement_ms") || !strings.Contains(out, "configuration ok") {
		t.Errorf("--check-config at migration 2: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, errOut := cmd("migrate", "--dry-run")
	if code != 0 || !strings.HasPrefix(out, "-- migration 003_engagement_ms\n") ||
		!strings.Contains(out, "ALTER TABLE "+db+".totals ADD COLUMN engagement_ms") || strings.Contains(out, "001_") {
		t.Errorf("migrate --dry-run: exit %d\nstdout %.600s\nstderr %s", code, out, errOut)
	}
	if got := pending(); len(got) != len(newer) {
		t.Fatalf("after --dry-run, pending %v: it must change nothing", got)
	}
	if code, _, errOut := cmd("migrate"); code != 0 || !strings.Contains(errOut, `"msg":"schema migration applied"`) ||
		!strings.Contains(errOut, `"migration":"003_engagement_ms"`) {
		t.Errorf("migrate: exit %d, stderr %s", code, errOut)
	}
	if got := pending(); len(got) != 0 {
		t.Errorf("after migrate, pending %v", got)
	}
	if code, out, _ := cmd("--check-config"); code != 0 || !strings.Contains(out, "schema up to date") {
		t.Errorf("--check-config after migrate: exit %d, stdout %s", code, out)
	}
	if code, out, _ := cmd("migrate", "--dry-run"); code != 0 || out != "-- no pending migrations\n" {
		t.Errorf("migrate --dry-run with nothing pending: exit %d, stdout %q", code, out)
	}

	if err := old.Engine().Exec(ctx, "INSERT INTO "+db+".schema_migrations (version, name, applied_at) SELECT 99, '099_next', now()"); err != nil {
		t.Fatal(err)
	}
	const why = "database schema is newer than this binary: it records migration 99"
	if code, _, errOut := cmd("--check-config"); code != 1 || !strings.Contains(errOut, why) {
		t.Errorf("--check-config on a newer schema: exit %d, stderr %s", code, errOut)
	}
	if code, _, errOut := cmd(); code != 1 || !strings.Contains(errOut, why) || !strings.Contains(errOut, `"msg":"start"`) {
		t.Errorf("start on a newer schema: exit %d, stderr %s", code, errOut)
	}
}

// TestCheckConfigChdb: --check-config, in a process of its own as an
// operator runs it, reads an embedded store that does not exist yet without
// creating it, and names every migration starting would apply.
func TestCheckConfigChdb(t *testing.T) {
	if lib := os.Getenv("CONSENTPROXY_CHDB_LIB"); lib == "" {
		need(t, "CONSENTPROXY_CHDB_LIB is unset; run scripts/setup.sh chdb")
	}
	dir := filepath.Join(t.TempDir(), "clickhouse")
	data := filepath.Join(t.TempDir(), "data")
	out, err := exec.Command(buildBinary(t), "--check-config", "--measurement-ids=G-TEST123",
		"--data-dir="+data, "--store=chdb://"+dir).CombinedOutput()
	all, err2 := store.Migrations(store.Features{}, store.Options{})
	if err2 != nil {
		t.Fatal(err2)
	}
	if err != nil || !strings.Contains(string(out), fmt.Sprintf("schema: %d pending migration(s)", len(all))) || !strings.Contains(string(out), "configuration ok") {
		t.Errorf("--check-config on a new embedded store: %v\n%s", err, out)
	}
	for _, p := range []string{dir, data} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("--check-config created %s (%v)", p, err)
		}
	}
}
