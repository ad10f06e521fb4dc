package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
)

// TestParseErrorsDoNotEcho: requests fasthttp cannot read, sent over a raw
// TCP connection with an HttpOnly-style cookie and a bearer token, are
// answered with a fixed reason per status and nothing of the request, and
// counted. Fiber's own hook sent fasthttp's error text, which quotes the
// request, as the body.
func TestParseErrorsDoNotEcho(t *testing.T) {
	const secrets = "Cookie: cp_secret=SECRET123\r\nAuthorization: Bearer TOKEN456\r\n"
	tests := []struct {
		name    string
		request string
		status  int
		body    string
		code    string
	}{
		{"header line without a colon", "GET / HTTP/1.1\r\nHost: a\r\n" + secrets + "this is not a header\r\n\r\n",
			400, "Bad Request\n", consentproxy.EINVALID},
		{"garbled request line", "GET / HTTP/1.1 and more\r\nHost: a\r\n" + secrets + "\r\n",
			400, "Bad Request\n", consentproxy.EINVALID},
		{"bad Content-Length", "POST / HTTP/1.1\r\nHost: a\r\n" + secrets + "Content-Length: 12x\r\n\r\n",
			400, "Bad Request\n", consentproxy.EINVALID},
		{"headers over the read buffer", "GET / HTTP/1.1\r\nHost: a\r\n" + secrets + "X-Pad: " + strings.Repeat("p", 8<<10) + "\r\n\r\n",
			431, "Request Header Fields Too Large\n", consentproxy.EHEADERS},
		{"body over the limit", "POST / HTTP/1.1\r\nHost: a\r\n" + secrets + "Content-Length: 5000\r\n\r\n" + strings.Repeat("b", 5000),
			413, "Request Entity Too Large\n", consentproxy.ETOOLARGE},
	}
	app, errs := NewApp(Config{ReadBufferSize: 4096, BodyLimit: 1024})
	app.All("/", func(c *fiber.Ctx) error { return c.SendString("served\n") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := errs.Count(tt.code)
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.WriteString(c, tt.request); err != nil {
				t.Fatal(err)
			}
			// The server closes after an error answer; with part of the
			// request unread, the close may come as a reset after the answer.
			raw, err := io.ReadAll(c)
			if err != nil && len(raw) == 0 {
				t.Fatalf("reading the answer: %v", err)
			}
			for _, s := range []string{"SECRET123", "TOKEN456", "cp_secret", "Bearer", "Authorization"} {
				if bytes.Contains(raw, []byte(s)) {
					t.Errorf("the answer echoes %q:\n%s", s, raw)
				}
			}
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
			if err != nil {
				t.Fatalf("%v: %q", err, raw)
			}
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || string(b) != tt.body {
				t.Errorf("answered %d %q, want %d %q", resp.StatusCode, b, tt.status, tt.body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("Content-Type %q, X-Content-Type-Options %q", ct, resp.Header.Get("X-Content-Type-Options"))
			}
			if got := errs.Count(tt.code) - before; got != 1 {
				t.Errorf("%s counted %d times, want 1", tt.code, got)
			}
		})
	}
}

// TestParseErrorStatus: the errors fasthttp hands its hook, timeouts
// included (which a test cannot provoke without waiting for one).
func TestParseErrorStatus(t *testing.T) {
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	for _, tt := range []struct {
		err    error
		status int
		code   string
	}{
		{timeout, 408, consentproxy.EINVALID},
		{fmt.Errorf("error when reading request headers: %w", timeout), 408, consentproxy.EINVALID},
		{errors.New("read tcp 127.0.0.1:80->127.0.0.1:5555: i/o timeout"), 408, consentproxy.EINVALID},
		{fasthttp.ErrBodyTooLarge, 413, consentproxy.ETOOLARGE},
		{fasthttp.ErrGetOnly, 405, consentproxy.EMETHOD},
		{io.ErrUnexpectedEOF, 400, consentproxy.EINVALID},
	} {
		if status, code := parseErrorStatus(tt.err); status != tt.status || code != tt.code {
			t.Errorf("parseErrorStatus(%v) = %d %s, want %d %s", tt.err, status, code, tt.status, tt.code)
		}
	}
}

// lockedBuffer is a log sink the server's goroutines may write to while a
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// TestErrorID: a 5xx answer carries an id, in X-Error-Id and on the body's
// second line, that is the error_id of the one log line describing the
// error; every answer has its own; a 4xx has none and logs nothing.
func TestErrorID(t *testing.T) {
	var logs lockedBuffer
	app, _ := NewApp(Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	app.Get("/boom", func(c *fiber.Ctx) error { return fmt.Errorf("dial 10.9.8.7:9000: %w", io.ErrUnexpectedEOF) })
	app.Get("/unavailable", func(c *fiber.Ctx) error {
		return consentproxy.Errorf(consentproxy.EUNAVAIL, "Not ready.")
	})
	app.Get("/bad", func(c *fiber.Ctx) error { return consentproxy.Errorf(consentproxy.EINVALID, "Nope.") })
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)

	seen := map[string]bool{}
	for i, tt := range []struct {
		path, message, level, body string
		status                     int
	}{
		{"/boom", "internal error", "ERROR", "Internal error.", 500},
		{"/boom", "internal error", "ERROR", "Internal error.", 500},
		{"/unavailable", "unavailable", "WARN", "Not ready.", 503},
	} {
		resp, err := app.Test(httptest.NewRequest("GET", tt.path, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		id := resp.Header.Get(HeaderErrorID)
		if resp.StatusCode != tt.status || !hexID.MatchString(id) || string(b) != tt.body+"\nError id: "+id+"\n" {
			t.Fatalf("%s answered %d, %s %q, body %q", tt.path, resp.StatusCode, HeaderErrorID, id, b)
		}
		if seen[id] {
			t.Errorf("error id %s given twice", id)
		}
		seen[id] = true
		lines := logs.lines()
		if len(lines) != i+1 {
			t.Fatalf("%d log lines after %d errors: %q", len(lines), i+1, lines)
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["error_id"] != id || rec["msg"] != tt.message || rec["level"] != tt.level || rec["route"] != tt.path {
			t.Errorf("log line %s does not match the answer's id %s", lines[i], id)
		}
	}
	if rec := logs.lines()[0]; !strings.Contains(rec, "10.9.8.7") {
		t.Errorf("the log line lacks the error itself: %s", rec)
	}

	resp, _ := app.Test(httptest.NewRequest("GET", "/bad", nil))
	if id := resp.Header.Get(HeaderErrorID); id != "" || resp.StatusCode != 400 {
		t.Errorf("4xx answered %d with error id %q", resp.StatusCode, id)
	}
	if n := len(logs.lines()); n != 3 {
		t.Errorf("a 4xx was logged: %d lines", n)
	}
}
