package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentproxy/consentproxy/apitoken"
)

// TestTokenCreate: the printed token opens the API for its sites, the file
// holds only its hash, keeps what it had (comments too), and a duplicate
// name or a broken file changes nothing.
func TestTokenCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.yaml")
	var out, errb bytes.Buffer
	if code := run([]string{"token", "create", "--file", path, "--site", "G-DEMO0001", "--name", "marketing"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	first := strings.TrimSpace(out.String())
	if len(first) < 40 {
		t.Fatalf("token %q is too short", first)
	}
	b, _ := os.ReadFile(path)
	if bytes.Contains(b, []byte(first)) {
		t.Fatal("the file holds the token itself")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	// A comment the operator wrote survives the next addition.
	if err := os.WriteFile(path, append([]byte("# keep me\n"), b...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"token", "create", "--file", path, "--site", "*", "--name", "all", "--rate", "120"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	second := strings.TrimSpace(out.String())
	set, err := apitoken.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := set.Check(first); !ok || g.Name != "marketing" || !g.Allows("G-DEMO0001") || g.Allows("G-OTHER01") {
		t.Errorf("first token: %+v %v", g, ok)
	}
	if g, ok := set.Check(second); !ok || !g.All {
		t.Errorf("second token: %+v %v", g, ok)
	}
	b, _ = os.ReadFile(path)
	if !bytes.Contains(b, []byte("# keep me")) {
		t.Errorf("the comment is gone:\n%s", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's own 0640", st.Mode().Perm())
	}
	for _, tc := range []struct {
		name string
		file []byte
		args []string
		want string
	}{
		{"duplicate name", b, []string{"--site", "G-DEMO0001", "--name", "marketing"}, "already"},
		{"no site", b, []string{"--name", "x"}, "--site is required"},
		{"bad site", b, []string{"--site", "G-X", "--name", "x"}, "not a measurement id"},
		{"broken file", []byte("tokens: [{name: a}]\n"), []string{"--site", "*", "--name", "x"}, "left unchanged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "t.yaml")
			os.WriteFile(p, tc.file, 0o600)
			var out, errb bytes.Buffer
			code := run(append([]string{"token", "create", "--file", p}, tc.args...), &out, &errb)
			after, _ := os.ReadFile(p)
			if code != 1 || !strings.Contains(errb.String(), tc.want) || out.Len() != 0 || !bytes.Equal(after, tc.file) {
				t.Errorf("exit %d, stderr %q, stdout %q, file changed %v; want 1 and %q", code, errb.String(), out.String(), !bytes.Equal(after, tc.file), tc.want)
			}
		})
	}
}

// TestTokenCreateShare: --share --url prints the whole share link, the
// token in its fragment; the file marks the token as a share link's, which
// signs the dashboard in and which the API refuses.
func TestTokenCreateShare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.yaml")
	var out, errb bytes.Buffer
	if code := run([]string{"token", "create", "--file", path, "--site", "G-DEMO0001", "--name", "board", "--share",
		"--url", "https://proxy.example.com/"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	link := strings.TrimSpace(out.String())
	token, ok := strings.CutPrefix(link, "https://proxy.example.com/dashboard#signin=")
	if !ok || len(token) < 40 {
		t.Fatalf("link %q", link)
	}
	set, err := apitoken.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := set.Check(token); !ok || !g.Share || !g.Allows("G-DEMO0001") {
		t.Errorf("share token: %+v %v", g, ok)
	}
	for _, args := range [][]string{{"--url", "https://x.example"}, {"--share", "--url", "proxy.example.com"}} {
		errb.Reset()
		if code := run(append([]string{"token", "create", "--file", path, "--site", "*", "--name", "x"}, args...), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errb.String())
		}
	}
}
