package e2e

import (
	"os/exec"
	"syscall"
)

// orphanProof kills the proxy when the test binary dies without running its
// cleanups (a panic in a callback, a kill -9), so no proxy outlives a run.
func orphanProof(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
