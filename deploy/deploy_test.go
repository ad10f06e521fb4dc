// Package deploy holds the deployment files (Dockerfile, docker-compose.yml,
// the systemd unit, .goreleaser.yaml); its tests check that they agree with
// the code: every CONSENTPROXY_* variable and every flag they name is one of
// cmd/consentproxy's flags, the chDB pins stay in scripts/fetch-chdb.sh, and
// the image and the unit keep their hardening.
package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const root = ".."

func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// flagNames parses the flag names out of cmd/consentproxy/flags.go's
// flagSpecs (package main cannot be imported), plus the two flags
// newRawConfig defines outside it.
func flagNames(t *testing.T) map[string]bool {
	t.Helper()
	src := read(t, "cmd/consentproxy/flags.go")
	start := strings.Index(src, "var flagSpecs = []flagSpec{")
	if start < 0 {
		t.Fatal("flags.go: no `var flagSpecs = []flagSpec{`")
	}
	block := src[start:]
	if end := strings.Index(block, "\n}\n"); end >= 0 {
		block = block[:end]
	}
	names := map[string]bool{"config": true, "check-config": true}
	for _, m := range regexp.MustCompile(`(?m)^\s*\{"([a-z0-9-]+)",`).FindAllStringSubmatch(block, -1) {
		names[m[1]] = true
	}
	for _, must := range []string{"listen", "data-dir", "store", "measurement-ids", "api-tokens"} {
		if !names[must] {
			t.Fatalf("flags.go: parsed %d flags, %q not among them: the regexp no longer matches flagSpecs", len(names), must)
		}
	}
	return names
}

// envName is cmd/consentproxy's EnvName.
func envName(flag string) string {
	return "CONSENTPROXY_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// checkEnv fails for a CONSENTPROXY_* variable that names no flag. The chDB
// binding reads two variables of its own (store/chdb/internal/chdblib).
func checkEnv(t *testing.T, where, name string, flags map[string]bool) {
	t.Helper()
	if !strings.HasPrefix(name, "CONSENTPROXY_") || name == "CONSENTPROXY_CHDB_LIB" || name == "CONSENTPROXY_CHDB_DIR" {
		return
	}
	for f := range flags {
		if envName(f) == name {
			return
		}
	}
	t.Errorf("%s: %s is no flag's variable (cmd/consentproxy/flags.go)", where, name)
}

// checkFlag fails for an argument --name or --name=value that is no flag.
func checkFlag(t *testing.T, where, arg string, flags map[string]bool) {
	t.Helper()
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	if !flags[name] {
		t.Errorf("%s: %s is no flag of consentproxy", where, arg)
	}
}

// stage is one FROM … block of the Dockerfile.
type stage struct {
	from, name string
	lines      []string // instructions, continuation lines joined
}

func dockerStages(t *testing.T) []stage {
	t.Helper()
	var stages []stage
	var cur strings.Builder
	flush := func() {
		l := strings.TrimSpace(cur.String())
		cur.Reset()
		if l == "" {
			return
		}
		f := strings.Fields(l)
		if strings.EqualFold(f[0], "FROM") {
			s := stage{}
			args := slices.DeleteFunc(f[1:], func(a string) bool { return strings.HasPrefix(a, "--") })
			s.from = args[0]
			if len(args) == 3 && strings.EqualFold(args[1], "AS") {
				s.name = args[2]
			}
			stages = append(stages, s)
		}
		if len(stages) > 0 {
			stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, l)
		}
	}
	for _, line := range strings.Split(read(t, "Dockerfile"), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || trimmed == "" {
			continue
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stages, want a multi-stage build", len(stages))
	}
	return stages
}

// finalInstructions returns the instructions in force in the last stage:
// those of the stages it is built FROM, in order, then its own.
func finalInstructions(stages []stage) []string {
	byName := map[string]stage{}
	for _, s := range stages {
		if s.name != "" {
			byName[s.name] = s
		}
	}
	var chain []stage
	for s, ok := stages[len(stages)-1], true; ok; s, ok = byName[s.from] {
		chain = append([]stage{s}, chain...)
		if len(chain) > len(stages) {
			break
		}
	}
	var out []string
	for _, s := range chain {
		out = append(out, s.lines...)
	}
	return out
}

func instr(lines []string, kw string) []string {
	var out []string
	for _, l := range lines {
		if f := strings.Fields(l); strings.EqualFold(f[0], kw) {
			out = append(out, strings.TrimSpace(l[len(f[0]):]))
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	flags := flagNames(t)
	stages := dockerStages(t)
	df := read(t, "Dockerfile")
	all := finalInstructions(stages)

	// The chDB pins live in scripts/fetch-chdb.sh alone.
	script := read(t, "scripts/fetch-chdb.sh")
	pins := regexp.MustCompile(`(?m)^readonly (PKG_VERSION|TARBALL_SHA256|LIB_SHA256)='([^']+)'`).FindAllStringSubmatch(script, -1)
	if len(pins) != 3 {
		t.Fatalf("fetch-chdb.sh: found %d of its 3 pins (PKG_VERSION, TARBALL_SHA256, LIB_SHA256)", len(pins))
	}
	for _, p := range pins {
		if strings.Contains(df, p[2]) {
			t.Errorf("Dockerfile repeats fetch-chdb.sh's %s (%s): keep the pins in the script", p[1], p[2])
		}
	}
	if h := regexp.MustCompile(`\b[0-9a-f]{64}\b`).FindString(df); h != "" {
		t.Errorf("Dockerfile holds a sha256 (%s): the chDB pins belong in scripts/fetch-chdb.sh", h)
	}
	runsScript := false
	for _, s := range stages {
		for _, r := range instr(s.lines, "RUN") {
			runsScript = runsScript || strings.Contains(r, "scripts/fetch-chdb.sh")
		}
	}
	if !runsScript {
		t.Error("Dockerfile: no RUN of scripts/fetch-chdb.sh")
	}

	// The Go build: the toolchain go.mod names, no cgo, reproducible paths.
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(read(t, "go.mod"))
	if goVersion == nil {
		t.Fatal("go.mod: no go directive")
	}
	if !strings.Contains(df, "GO_VERSION="+goVersion[1]+"\n") {
		t.Errorf("Dockerfile: ARG GO_VERSION is not go.mod's %s", goVersion[1])
	}
	build := ""
	for _, s := range stages {
		for _, r := range instr(s.lines, "RUN") {
			if strings.Contains(r, "go build") {
				build = r
			}
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/consentproxy"} {
		if !strings.Contains(build, want) {
			t.Errorf("Dockerfile: the go build (%q) lacks %s", build, want)
		}
	}

	// The runtime stage.
	users := instr(all, "USER")
	if len(users) == 0 {
		t.Error("Dockerfile: the final stage runs as root (no USER)")
	} else if u, _, _ := strings.Cut(users[len(users)-1], ":"); u == "root" || u == "0" {
		t.Errorf("Dockerfile: the final stage runs as %s", users[len(users)-1])
	}
	if hc := instr(all, "HEALTHCHECK"); len(hc) == 0 || !strings.Contains(hc[len(hc)-1], "/healthz") && !strings.Contains(hc[len(hc)-1], `"healthcheck"`) {
		t.Errorf("Dockerfile: no HEALTHCHECK of /healthz (or `consentproxy healthcheck`) in the final stage (%q)", hc)
	}
	if v := instr(all, "VOLUME"); !slices.Contains(v, "/data") {
		t.Errorf("Dockerfile: VOLUME %q, want /data", v)
	}
	if e := instr(all, "EXPOSE"); !slices.Contains(e, "8080") {
		t.Errorf("Dockerfile: EXPOSE %q, want 8080", e)
	}
	env := map[string]string{}
	for _, e := range instr(all, "ENV") {
		for _, kv := range strings.Fields(e) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
				checkEnv(t, "Dockerfile ENV", k, flags)
			}
		}
	}
	if env["CONSENTPROXY_DATA_DIR"] != "/data" {
		t.Errorf("Dockerfile: CONSENTPROXY_DATA_DIR=%q, want the volume /data", env["CONSENTPROXY_DATA_DIR"])
	}
	lib := env["CONSENTPROXY_CHDB_LIB"]
	if lib == "" {
		t.Error("Dockerfile: the final stage sets no CONSENTPROXY_CHDB_LIB")
	}
	copied := false
	for _, c := range instr(stages[len(stages)-1].lines, "COPY") {
		copied = copied || strings.HasSuffix(c, " "+lib)
	}
	if lib != "" && !copied {
		t.Errorf("Dockerfile: the final stage copies nothing to CONSENTPROXY_CHDB_LIB=%s", lib)
	}
	// With ENTRYPOINT in exec form, subcommands (migrate, …) stay reachable.
	if ep := instr(all, "ENTRYPOINT"); len(ep) == 0 || !strings.HasPrefix(ep[len(ep)-1], `["`) {
		t.Errorf("Dockerfile: ENTRYPOINT %q, want exec form", ep)
	}
	for _, a := range regexp.MustCompile(`"(--[a-z0-9-]+)[="]`).FindAllStringSubmatch(strings.Join(append(instr(all, "ENTRYPOINT"), instr(all, "CMD")...), " "), -1) {
		checkFlag(t, "Dockerfile", a[1], flags)
	}
}

func TestDockerignore(t *testing.T) {
	var patterns []string
	for _, l := range strings.Split(read(t, ".dockerignore"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, strings.TrimPrefix(l, "/"))
		}
	}
	for _, must := range []string{".git", ".cache"} {
		if !slices.Contains(patterns, must) {
			t.Errorf(".dockerignore does not exclude %s", must)
		}
	}
	// A pattern excludes a path when it matches the path or a parent.
	excluded := func(pattern, path string) bool {
		for p := path; p != "."; p = filepath.Dir(p) {
			if ok, _ := filepath.Match(pattern, p); ok {
				return true
			}
		}
		return false
	}
	for _, pat := range patterns {
		if strings.HasPrefix(pat, "!") {
			continue
		}
		for _, needed := range []string{"go.mod", "go.sum", "scripts/fetch-chdb.sh", "cmd/consentproxy/main.go", "store/migrations/001.sql.tmpl", "dims/data/x.txt", "static/src/consent.js"} {
			if excluded(pat, needed) {
				t.Errorf(".dockerignore pattern %q excludes %s, which the image build needs", pat, needed)
			}
		}
	}
}
