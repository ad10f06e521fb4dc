package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/proxy"
)

// runToken is `consentproxy token create`: it makes a new API token, prints
// it once, and adds only its SHA-256 to the tokens file, so that nobody
// computes hashes by hand and the file never holds a working token.
func runToken(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: consentproxy token create --file tokens.yaml --site G-XXXXXXX --name marketing")
		return 2
	}
	fs := flag.NewFlagSet("consentproxy token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "tokens.yaml", "tokens file to add the token to (created, mode 0600, when missing); the proxy reads it with --api-tokens @FILE")
	name := fs.String("name", "", "the token's name, shown in logs and metrics (required, unique in the file)")
	sites := fs.String("site", "", `comma list of measurement ids the token may read, or "*" for all (required)`)
	rate := fs.Int("rate", 0, "requests per minute (default 600: a dashboard view is about 28)")
	share := fs.Bool("share", false, "a share link's token: it opens the dashboard read-only for its sites, without sign-in, and the API refuses it; revoke it by deleting its entry and sending the proxy SIGHUP")
	base := fs.String("url", "", "with --share, the proxy's public URL, to print the whole link (https://proxy.example.com)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *base != "" && !*share {
		fmt.Fprintln(stderr, "consentproxy token create: --url only makes sense with --share")
		return 2
	}
	if *base != "" && !strings.HasPrefix(*base, "https://") && !strings.HasPrefix(*base, "http://") {
		fmt.Fprintln(stderr, "consentproxy token create: --url must be an http(s) URL such as https://proxy.example.com")
		return 2
	}
	token, err := createToken(*file, *name, list(*sites), *rate, *share)
	if err != nil {
		fmt.Fprintln(stderr, "consentproxy token create:", err)
		return 1
	}
	switch {
	case *share && *base != "":
		// The token travels in the fragment, which browsers never send:
		// no server or proxy log in between sees it.
		fmt.Fprintln(stdout, strings.TrimSuffix(*base, "/")+"/dashboard#signin="+token)
	case *share:
		fmt.Fprintln(stdout, token)
		fmt.Fprintln(stderr, "The share link is <your proxy's URL>/dashboard#signin="+token+" (or pass --url).")
	default:
		fmt.Fprintln(stdout, token)
	}
	fmt.Fprintf(stderr, "token %q added to %s (its SHA-256 only: this is the one time the token is shown).\n"+
		"Start the proxy with --api-tokens @%s, or send a running one SIGHUP to reload the file.\n", *name, *file, *file)
	return 0
}

// createToken adds a new token's entry to the file at path and returns the
// token. The file is changed only if the result loads as a tokens file.
func createToken(path, name string, sites []string, rate int, share bool) (string, error) {
	if name == "" || strings.ContainsAny(name, "\n\r") {
		return "", errors.New("--name is required (one line)")
	}
	if len(sites) == 0 {
		return "", errors.New(`--site is required: measurement ids such as G-XXXXXXX, or "*"`)
	}
	for _, s := range sites {
		if s != "*" && !proxy.ValidMeasurementID(s) {
			return "", fmt.Errorf("--site: %q is not a measurement id such as G-ABC123, or *", s)
		}
	}
	if rate < 0 || rate > 100000 {
		return "", errors.New("--rate must be 1–100000")
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(token))

	old, err := os.ReadFile(path)
	mode := fs.FileMode(0o600)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return "", fmt.Errorf("read %s: %w", path, err)
	default:
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
		set, err := apitoken.Parse(old)
		if err != nil {
			return "", fmt.Errorf("%s does not load as it is, so it is left unchanged: %w", path, err)
		}
		if set.Has(name) {
			return "", fmt.Errorf("%s has a token named %q already", path, name)
		}
	}
	out, err := appendToken(old, name, hex.EncodeToString(sum[:]), sites, rate, share)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if _, err := apitoken.Parse(out); err != nil {
		return "", fmt.Errorf("the new file would not load: %w", err)
	}
	if err := writeFileAtomic(path, out, mode); err != nil {
		return "", err
	}
	return token, nil
}

// appendToken adds an entry to the tokens sequence of a tokens file,
// keeping its other content and comments.
func appendToken(file []byte, name, sha string, sites []string, rate int, share bool) ([]byte, error) {
	var doc yaml.Node
	if len(bytes.TrimSpace(file)) > 0 {
		if err := yaml.Unmarshal(file, &doc); err != nil {
			return nil, err
		}
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("not a mapping with a tokens list")
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "tokens" {
			seq = root.Content[i+1]
		}
	}
	if seq == nil {
		seq = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "tokens"}, seq)
	}
	if seq.Kind != yaml.SequenceNode {
		if seq.Kind == yaml.ScalarNode && seq.Tag == "!!null" {
			seq.Kind, seq.Tag, seq.Value = yaml.SequenceNode, "", ""
		} else {
			return nil, errors.New("tokens is not a list")
		}
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	siteList := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range sites {
		n := str(s)
		if s == "*" {
			n.Style = yaml.DoubleQuotedStyle
		}
		siteList.Content = append(siteList.Content, n)
	}
	entry := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("name"), str(name), str("sha256"), str(sha), str("sites"), siteList,
	}}
	if rate > 0 {
		entry.Content = append(entry.Content, str("rate_per_minute"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(rate)})
	}
	if share {
		entry.Content = append(entry.Content, str("share"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	seq.Content = append(seq.Content, entry)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// writeFileAtomic replaces path with b: a crash leaves the old file or the
// new one, never half of it.
func writeFileAtomic(path string, b []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokens-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
