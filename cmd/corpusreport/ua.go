package main

import (
	"errors"
	"io"
)

// reportUA is written by the uaparse work (placeholder until then).
func reportUA(w io.Writer, dir string) error { return errors.New("not written yet") }
