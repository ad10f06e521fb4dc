// Package smtptest runs a real SMTP server for tests: Debian's aiosmtpd
// (python3-aiosmtpd, installed by scripts/setup.sh) with its Mailbox
// handler, which delivers every message into a Maildir the test reads.
package smtptest

import (
	"bytes"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"
)

// Server is a running aiosmtpd.
type Server struct {
	Addr    string // 127.0.0.1:port
	maildir string
}

// python is Debian's interpreter, whose packages include aiosmtpd; a
// python3 first on PATH (pyenv) may not have it.
func python() string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import aiosmtpd").Run() == nil {
			return path
		}
	}
	return ""
}

// Start runs a server on a free loopback port until the test ends. A
// missing aiosmtpd fails the test under CI=true and skips it elsewhere.
func Start(t testing.TB) *Server {
	t.Helper()
	py := python()
	if py == "" {
		msg := "python3-aiosmtpd is not installed: run scripts/setup.sh"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), maildir: filepath.Join(t.TempDir(), "maildir")}
	var logs bytes.Buffer
	cmd := exec.Command(py, "-m", "aiosmtpd", "-n", "-l", s.Addr, "-c", "aiosmtpd.handlers.Mailbox", s.maildir)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start aiosmtpd: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(15 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("aiosmtpd did not listen on %s: %s", s.Addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// URL is the server as smtp:// for a Sender.
func (s *Server) URL() string { return "smtp://" + s.Addr }

// Messages are the delivered messages, oldest first.
func (s *Server) Messages(t testing.TB) []*mail.Message {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.maildir, "new", "*"))
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.ModTime().Before(b.ModTime())
	})
	var out []*mail.Message
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, m)
	}
	return out
}

// Wait waits until n messages were delivered (a delivery is the file
// appearing, after the server's answer to the client's DATA).
func (s *Server) Wait(t testing.TB, n int) []*mail.Message {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if ms := s.Messages(t); len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages delivered, want %d", len(s.Messages(t)), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
