// Command corpusreport measures consentproxy's dimension extraction against
// public corpora nobody here wrote, and prints the numbers docs/privacy.md quotes:
// bot recall and false positives, browser/OS/device agreement, GA4 channel
// agreement and user-agent parse cost. It is a command, not a test, so its
// numbers are reported rather than asserted (the tests assert the floors).
//
//	go run ./cmd/corpusreport [-corpora DIR] [-only ua|channels] [-device-detector DIR]
//
// The corpora are fetched, pinned and checksummed, by scripts/fetch-corpora.sh
// into .cache/corpora (scripts/setup.sh runs it). device-detector's fixtures
// are on GitHub only: -device-detector names the Tests/fixtures directory of
// a checkout of matomo-org/device-detector.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	dir := flag.String("corpora", ".cache/corpora", "directory scripts/fetch-corpora.sh filled")
	only := flag.String("only", "", `run one part only: "ua" or "channels"`)
	dd := flag.String("device-detector", "", "Tests/fixtures of a matomo-org/device-detector checkout (optional)")
	flag.Parse()
	if err := run(os.Stdout, *dir, *only, *dd); err != nil {
		fmt.Fprintln(os.Stderr, "corpusreport:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir, only, dd string) error {
	if only == "" || only == "ua" {
		if err := reportUA(w, dir); err != nil {
			return fmt.Errorf("user agents: %w", err)
		}
		if dd != "" {
			if err := reportDeviceDetector(w, dd); err != nil {
				return fmt.Errorf("device-detector: %w", err)
			}
		}
	}
	if only == "" || only == "channels" {
		if err := reportChannels(w, dir); err != nil {
			return fmt.Errorf("channels: %w", err)
		}
	}
	return nil
}
