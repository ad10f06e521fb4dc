//go:build !race

package uaparse

const raceEnabled = false
