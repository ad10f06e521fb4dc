package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/proxy"
)

// FuzzParseDuration: never a panic; "Nd" and "Nmo" either fail or give
// exactly N units (no silent wrap-around of huge counts).
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"25mo", "400d", "720h", "0d", "106751d", "106752d", "-1mo", "1e3d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			return
		}
		for suffix, unit := range map[string]time.Duration{"mo": month, "d": 24 * time.Hour} {
			n, ok := strings.CutSuffix(s, suffix)
			if !ok {
				continue
			}
			i, perr := strconv.Atoi(n)
			if perr != nil || d < 0 || d != time.Duration(i)*unit || d/unit != time.Duration(i) {
				t.Fatalf("parseDuration(%q) = %v", s, d)
			}
			return
		}
	})
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GiB": 2 << 30, "1000": 1000, "64 MiB": 64 << 20,
		"1GB": 1e9, "10KiB": 10 << 10, "5B": 5, "": -1, "MiB": -1, "-1MiB": -1, "1.5GiB": -1, "1TiB": -1, "99999999999999999GiB": -1} {
		got, err := parseSize(in)
		if want < 0 && err == nil || want >= 0 && (err != nil || got != want) {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// FuzzParseSize: never a panic, never a negative or wrapped size.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"512MiB", "1GB", "9223372036854775807", "1125899906842624KiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && (n < 0 || n > 1<<50) {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
	})
}

// FuzzConfigYAML: any file content gives an error or a Config, never a
// panic; a Config without errors is valid, and every error names its flag.
func FuzzConfigYAML(f *testing.F) {
	// Small seeds only: the fuzzer minimizes every new input, which takes
	// quadratic time in its length.
	f.Add("measurement-ids: [G-ABC123]\n")
	f.Add("measurement-ids: G-ABC123\nlisten: 12\nmax-body: [1, 2]\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		r := newRawConfig()
		r.fs.SetOutput(io.Discard)
		if err := r.parse([]string{"--config", path, "--secret=0123456789abcdef", "--previous-secrets="}, func(string) (string, bool) { return "", false }); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		cfg, errs := r.validate()
		for _, e := range errs {
			if !strings.HasPrefix(e, "--") {
				t.Fatalf("error without a flag name: %q", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		if len(cfg.MeasurementIDs) == 0 || cfg.FlushInterval < 100*time.Millisecond || cfg.Retention < 24*time.Hour || cfg.DataDir == "" {
			t.Fatalf("accepted an invalid config: %+v", cfg)
		}
		for _, id := range cfg.MeasurementIDs {
			if !proxy.ValidMeasurementID(id) {
				t.Fatalf("accepted id %q", id)
			}
		}
	})
}

// TestExampleConfig: the example in testdata names every flag and passes
// --check-config, so it stays complete and valid.
func TestExampleConfig(t *testing.T) {
	path := filepath.Join("testdata", "consentproxy.yaml")
	file, err := readYAML(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range flagSpecs {
		if _, ok := file[f.name]; !ok {
			t.Errorf("testdata/consentproxy.yaml lacks %s", f.name)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--check-config", "--config=" + path}, &out, &errOut); code != 0 {
		t.Errorf("--check-config on the example: exit %d\n%s", code, errOut.String())
	}
}
