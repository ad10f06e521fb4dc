//go:build race

package uaparse

// raceEnabled: the race detector slows code several times, so timing
// assertions are off under it.
const raceEnabled = true
