package chdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/store"
)

// prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN): from here on, no memory of
// the process may become executable once written (Linux 6.3+), which is
// what systemd's MemoryDenyWriteExecute=yes enforces.
const (
	prSetMDWE            = 65
	prMDWERefuseExecGain = 1
	wxRepeats            = 8 // the JIT compiled an expression once seen 3 times
	wxExitNoPolicy       = 4 // the kernel cannot set the policy
	wxExitQueryFailed    = 3
)

// runWX is the child of TestUnderWriteXorExecute: under a W^X policy it
// opens a store and runs the same expressions wxRepeats times.
func runWX() int {
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetMDWE, prMDWERefuseExecGain, 0, 0, 0, 0); e != 0 {
		fmt.Println("PR_SET_MDWE:", e)
		return wxExitNoPolicy
	}
	s, err := Open(context.Background(), Scheme+os.Getenv("CHDB_STORE_TEST_DIR"), store.Options{})
	if err != nil {
		fmt.Println("open:", err)
		return wxExitQueryFailed
	}
	for i := range wxRepeats {
		_, err := s.Query(context.Background(),
			"SELECT number % 7 AS k, sum(number * 3 + 1) AS s, count() FROM numbers(100000) WHERE number * 2 + 1 > ? GROUP BY k ORDER BY k", uint64(i))
		if err != nil {
			fmt.Printf("query %d: %v\n", i+1, err)
			return wxExitQueryFailed
		}
	}
	return 0
}

// TestUnderWriteXorExecute: the embedded store works where no memory may be
// both written and executed (systemd's MemoryDenyWriteExecute=yes, which
// deploy/consentproxy.service sets). ClickHouse's expression JIT needs such
// memory; with it on, the fourth identical query failed with
// CANNOT_MPROTECT, so sessionSettings turn it off.
func TestUnderWriteXorExecute(t *testing.T) {
	requireLib(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=wx", "CHDB_STORE_TEST_DIR"+"="+t.TempDir())
	out, err := cmd.CombinedOutput()
	code := cmd.ProcessState.ExitCode()
	if code == wxExitNoPolicy {
		// An older kernel: the policy cannot be set, so it cannot be tested.
		if os.Getenv("CI") == "true" {
			t.Fatalf("PR_SET_MDWE unsupported by this kernel: %s", out)
		}
		t.Skipf("PR_SET_MDWE unsupported by this kernel: %s", out)
	}
	if err != nil {
		t.Fatalf("under W^X: exit %d (%v):\n%s", code, err, out)
	}
}
