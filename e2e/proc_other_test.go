//go:build !linux

package e2e

import "os/exec"

// orphanProof does nothing where Pdeathsig does not exist.
func orphanProof(*exec.Cmd) {}
