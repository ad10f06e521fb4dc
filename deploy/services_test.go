package deploy

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestCompose(t *testing.T) {
	flags := flagNames(t)
	var doc struct {
		Services map[string]struct {
			Image       string         `yaml:"image"`
			Build       map[string]any `yaml:"build"`
			Restart     string         `yaml:"restart"`
			Environment yaml.Node      `yaml:"environment"`
			Healthcheck *struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			Volumes   []string       `yaml:"volumes"`
			DependsOn map[string]any `yaml:"depends_on"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal([]byte(read(t, "deploy/docker-compose.yml")), &doc); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	proxy, ok := doc.Services["consentproxy"]
	if !ok {
		t.Fatal("docker-compose.yml: no service consentproxy")
	}
	if _, ok := doc.Services["clickhouse"]; !ok {
		t.Fatal("docker-compose.yml: no service clickhouse")
	}
	if !strings.HasPrefix(doc.Services["clickhouse"].Image, "clickhouse/clickhouse-server:") {
		t.Errorf("docker-compose.yml: clickhouse image %q", doc.Services["clickhouse"].Image)
	}
	if _, ok := proxy.DependsOn["clickhouse"]; !ok {
		t.Error("docker-compose.yml: consentproxy does not depend on clickhouse")
	}
	for name, s := range doc.Services {
		if s.Restart == "" || s.Restart == "no" {
			t.Errorf("docker-compose.yml: service %s has no restart policy", name)
		}
		if s.Healthcheck == nil || len(s.Healthcheck.Test) == 0 {
			t.Errorf("docker-compose.yml: service %s has no healthcheck", name)
		}
		for _, v := range s.Volumes {
			if src, _, _ := strings.Cut(v, ":"); !strings.HasPrefix(src, ".") && !strings.HasPrefix(src, "/") {
				if _, ok := doc.Volumes[src]; !ok {
					t.Errorf("docker-compose.yml: service %s mounts volume %s, which volumes: does not declare", name, src)
				}
			}
		}
		env := map[string]string{}
		switch s.Environment.Kind {
		case yaml.MappingNode:
			var m map[string]string
			if err := s.Environment.Decode(&m); err != nil {
				t.Fatalf("docker-compose.yml: %s environment: %v", name, err)
			}
			env = m
		case yaml.SequenceNode:
			var l []string
			if err := s.Environment.Decode(&l); err != nil {
				t.Fatalf("docker-compose.yml: %s environment: %v", name, err)
			}
			for _, kv := range l {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		}
		for k := range env {
			checkEnv(t, "docker-compose.yml service "+name, k, flags)
		}
		if name == "consentproxy" {
			if !strings.HasPrefix(env["CONSENTPROXY_STORE"], "clickhouse://") || !strings.Contains(env["CONSENTPROXY_STORE"], "@clickhouse:9000/") {
				t.Errorf("docker-compose.yml: CONSENTPROXY_STORE=%q, want clickhouse://…@clickhouse:9000/…", env["CONSENTPROXY_STORE"])
			}
			if env["CONSENTPROXY_MEASUREMENT_IDS"] == "" {
				t.Error("docker-compose.yml: consentproxy sets no CONSENTPROXY_MEASUREMENT_IDS")
			}
			if !slices.ContainsFunc(proxy.Volumes, func(v string) bool { return strings.HasSuffix(v, ":"+env["CONSENTPROXY_DATA_DIR"]) }) {
				t.Errorf("docker-compose.yml: CONSENTPROXY_DATA_DIR=%q is not a mounted volume", env["CONSENTPROXY_DATA_DIR"])
			}
		}
	}
}

// unit reads a systemd unit as key → values (a key may repeat).
func unit(t *testing.T, rel string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(read(t, rel)))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";") || strings.HasPrefix(l, "[") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Errorf("%s: line %q is no key=value", rel, l)
			continue
		}
		out[k] = append(out[k], v)
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	flags := flagNames(t)
	u := unit(t, "deploy/consentproxy.service")
	last := func(k string) string {
		if v := u[k]; len(v) > 0 {
			return v[len(v)-1]
		}
		return ""
	}
	for k, want := range map[string]string{
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectControlGroups":    "yes",
		"RestrictNamespaces":      "yes",
		"RestrictSUIDSGID":        "yes",
		"LockPersonality":         "yes",
		"SystemCallArchitectures": "native",
	} {
		if got := last(k); got != want {
			t.Errorf("consentproxy.service: %s=%q, want %s", k, got, want)
		}
	}
	for _, k := range []string{"CapabilityBoundingSet", "RestrictAddressFamilies", "MemoryDenyWriteExecute", "StateDirectory", "EnvironmentFile", "UMask"} {
		if _, ok := u[k]; !ok {
			t.Errorf("consentproxy.service: no %s=", k)
		}
	}
	if c := last("CapabilityBoundingSet"); c != "" && c != "CAP_NET_BIND_SERVICE" {
		t.Errorf("consentproxy.service: CapabilityBoundingSet=%s, want empty (or CAP_NET_BIND_SERVICE alone for :443)", c)
	}
	if !slices.Contains(u["SystemCallFilter"], "@system-service") {
		t.Errorf("consentproxy.service: SystemCallFilter=%q lacks @system-service", u["SystemCallFilter"])
	}
	if u := last("User"); (u == "" || u == "root") && last("DynamicUser") != "yes" {
		t.Error("consentproxy.service: runs as root (no User= or DynamicUser=yes)")
	}
	if r := last("ExecReload"); !strings.Contains(r, "HUP") || !strings.Contains(r, "$MAINPID") {
		t.Errorf("consentproxy.service: ExecReload=%q, want SIGHUP to $MAINPID (reloads --api-tokens)", r)
	}
	for _, e := range u["Environment"] {
		for _, kv := range strings.Fields(e) {
			k, _, _ := strings.Cut(strings.Trim(kv, `"`), "=")
			checkEnv(t, "consentproxy.service Environment=", k, flags)
		}
	}
	exec := strings.Fields(last("ExecStart"))
	if len(exec) == 0 || !strings.HasSuffix(exec[0], "/consentproxy") {
		t.Fatalf("consentproxy.service: ExecStart=%q", last("ExecStart"))
	}
	for i, a := range exec[1:] {
		if strings.HasPrefix(a, "-") {
			checkFlag(t, "consentproxy.service ExecStart", a, flags)
		}
		if (a == "--data-dir" || a == "-data-dir") && i+2 < len(exec) {
			if want := "/var/lib/" + last("StateDirectory"); exec[i+2] != want {
				t.Errorf("consentproxy.service: --data-dir %s is not the StateDirectory %s", exec[i+2], want)
			}
		}
	}
}

func TestGoreleaser(t *testing.T) {
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			Main    string   `yaml:"main"`
			Env     []string `yaml:"env"`
			Flags   []string `yaml:"flags"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
		} `yaml:"builds"`
		Checksum map[string]any `yaml:"checksum"`
	}
	if err := yaml.Unmarshal([]byte(read(t, ".goreleaser.yaml")), &cfg); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if cfg.Version != 2 || len(cfg.Builds) == 0 || cfg.Checksum == nil {
		t.Fatalf(".goreleaser.yaml: version %d, %d builds, checksum %v", cfg.Version, len(cfg.Builds), cfg.Checksum)
	}
	// -X main.name=… sets nothing (silently) unless main declares a
	// package-level variable name.
	mainVars := map[string]bool{}
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join(root, "cmd/consentproxy/*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					for _, n := range sp.(*ast.ValueSpec).Names {
						mainVars[n.Name] = true
					}
				}
			}
		}
	}
	for _, b := range cfg.Builds {
		if b.Main != "./cmd/consentproxy" {
			t.Errorf(".goreleaser.yaml: main %q", b.Main)
		}
		if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
			t.Errorf(".goreleaser.yaml: env %q flags %q, want CGO_ENABLED=0 and -trimpath", b.Env, b.Flags)
		}
		if !slices.Contains(b.Goos, "linux") || !slices.Contains(b.Goarch, "amd64") || !slices.Contains(b.Goarch, "arm64") {
			t.Errorf(".goreleaser.yaml: goos %q goarch %q, want linux amd64 and arm64", b.Goos, b.Goarch)
		}
		for _, m := range regexp.MustCompile(`-X\s*=?\s*main\.(\w+)=`).FindAllStringSubmatch(strings.Join(b.Ldflags, " "), -1) {
			if !mainVars[m[1]] {
				t.Errorf(".goreleaser.yaml: ldflags set main.%s, which cmd/consentproxy does not declare", m[1])
			}
		}
	}
}

// TestHealthcheckSubcommand: the image (distroless: no shell, curl or wget)
// and the compose file probe /healthz with `consentproxy healthcheck`; the
// binary must dispatch that subcommand, and every argument they pass must be
// one of its flags (it takes no positional URL: one would be ignored).
func TestHealthcheckSubcommand(t *testing.T) {
	var probes [][]string
	for _, hc := range instr(finalInstructions(dockerStages(t)), "HEALTHCHECK") {
		if i := strings.Index(hc, "CMD ["); i >= 0 {
			var argv []string
			if err := yaml.Unmarshal([]byte(hc[i+len("CMD "):]), &argv); err != nil {
				t.Fatalf("Dockerfile: HEALTHCHECK %q: %v", hc, err)
			}
			probes = append(probes, argv)
		}
	}
	var compose struct {
		Services map[string]struct {
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(read(t, "deploy/docker-compose.yml")), &compose); err != nil {
		t.Fatal(err)
	}
	if test := compose.Services["consentproxy"].Healthcheck.Test; len(test) > 1 && test[0] == "CMD" {
		probes = append(probes, test[1:])
	}
	var uses [][]string
	for _, p := range probes {
		if len(p) >= 2 && strings.HasSuffix(p[0], "/consentproxy") && p[1] == "healthcheck" {
			uses = append(uses, p[2:])
		}
	}
	if len(uses) == 0 {
		t.Fatal("neither the Dockerfile nor docker-compose.yml runs `consentproxy healthcheck`: distroless has no curl or wget to probe with")
	}
	files, _ := filepath.Glob(filepath.Join(root, "cmd/consentproxy/*.go"))
	dispatched := false
	hcFlags := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		dispatched = dispatched || regexp.MustCompile(`(args\[0\]\s*==\s*|case\s+)"healthcheck"`).Match(b)
		if regexp.MustCompile(`flag\.NewFlagSet\("consentproxy healthcheck"`).Match(b) {
			for _, m := range regexp.MustCompile(`fs\.\w+\(\s*"([a-z0-9-]+)"`).FindAllSubmatch(b, -1) {
				hcFlags[string(m[1])] = true
			}
		}
	}
	if !dispatched {
		t.Fatal("Dockerfile/docker-compose.yml run `consentproxy healthcheck`, but cmd/consentproxy dispatches no \"healthcheck\" subcommand: the container health checks would fail")
	}
	for _, args := range uses {
		for i := 0; i < len(args); i++ {
			a := args[i]
			if !strings.HasPrefix(a, "-") {
				t.Errorf("healthcheck probe %q: positional argument %q (the subcommand takes --url)", args, a)
				continue
			}
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !hcFlags[name] {
				t.Errorf("healthcheck probe %q: %s is no flag of `consentproxy healthcheck` (%v)", args, a, hcFlags)
			}
			if !hasValue {
				i++ // its value
			}
		}
	}
}
