package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

const minSecretLen = 16

// readSecret reads --secret: empty (generate later), "@path", or the key itself.
func readSecret(v string) ([]byte, string, error) {
	switch {
	case v == "":
		return nil, "generated", nil
	case strings.HasPrefix(v, "@"):
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return nil, "", fmt.Errorf("read secret file: %w", err)
		}
		b = bytes.TrimSpace(b)
		if len(b) < minSecretLen {
			return nil, "", fmt.Errorf("secret file %s holds fewer than %d bytes", v[1:], minSecretLen)
		}
		return b, "file", nil
	}
	if len(v) < minSecretLen {
		return nil, "", fmt.Errorf("at least %d characters are needed", minSecretLen)
	}
	return []byte(v), "flag", nil
}

// readSecrets reads --previous-secrets: a comma list, or @path with one key a line.
func readSecrets(v string) ([][]byte, error) {
	if v == "" {
		return nil, nil
	}
	var parts []string
	if strings.HasPrefix(v, "@") {
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return nil, fmt.Errorf("read previous secrets: %w", err)
		}
		parts = strings.Split(string(b), "\n")
	} else {
		parts = strings.Split(v, ",")
	}
	var out [][]byte
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if len(p) < minSecretLen {
			return nil, fmt.Errorf("every key needs at least %d characters", minSecretLen)
		}
		out = append(out, []byte(p))
	}
	return out, nil
}

// ensureSecret generates the signing key at first start and keeps it, mode
// 0600, in the data directory, so consent cookies survive restarts and every
// instance sharing the directory agrees on it.
func ensureSecret(dataDir string, log *slog.Logger) ([]byte, error) {
	path := filepath.Join(dataDir, "secret")
	b, err := os.ReadFile(path)
	if err == nil {
		b = bytes.TrimSpace(b)
		if len(b) < minSecretLen {
			return nil, fmt.Errorf("secret file %s is too short; delete it to generate a new one", path)
		}
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("generate secret: %w", err)
	}
	key := []byte(hex.EncodeToString(raw))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another instance won the race
			return ensureSecret(dataDir, log)
		}
		return nil, fmt.Errorf("write secret: %w", err)
	}
	if _, err := f.Write(append(key, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("write secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write secret: %w", err)
	}
	log.Info("generated a signing secret", "path", path)
	return key, nil
}
