package smtpmail_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/consentproxy/consentproxy/smtpmail"
	"github.com/consentproxy/consentproxy/smtpmail/smtptest"
)

// TestSendToRealServer sends a text-and-HTML message with a non-ASCII
// subject to a real SMTP server and reads back what it delivered.
func TestSendToRealServer(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := smtpmail.New(srv.URL(), "consentproxy <reports@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), smtpmail.Message{To: []string{"Marketing <m@example.com>", "boss@example.com"},
		Subject: "Woche für G-TEST: 1.234 Besucher", Text: "Visitors: 1234\nline two = with equals\n", HTML: "<p>Visitors: <b>1234</b></p>"})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, 1)[0]
	dec := new(mime.WordDecoder)
	subj, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	if subj != "Woche für G-TEST: 1.234 Besucher" || m.Header.Get("To") != "m@example.com, boss@example.com" ||
		!strings.Contains(m.Header.Get("From"), "reports@example.com") || m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers %v (subject %q)", m.Header, subj)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // NextPart decodes quoted-printable
		parts = append(parts, p.Header.Get("Content-Type")+"|"+string(b))
	}
	// The Maildir keeps lines with \n, as delivered mail is stored.
	want := []string{"text/plain; charset=utf-8|Visitors: 1234\nline two = with equals\n", "text/html; charset=utf-8|<p>Visitors: <b>1234</b></p>"}
	if strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts\n%q\nwant\n%q", parts, want)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, c := range []struct{ server, from string }{
		{"http://mail.example.com", "a@example.com"},
		{"smtp://", "a@example.com"},
		{"smtp://mail.example.com/x", "a@example.com"},
		{"smtp://mail.example.com", "not an address"},
	} {
		if _, err := smtpmail.New(c.server, c.from); err == nil {
			t.Errorf("New(%q, %q) accepted", c.server, c.from)
		}
	}
	s, err := smtpmail.New("smtps://u:p@mail.example.com", "a@example.com")
	if err != nil || s.Addr() != "mail.example.com:465" {
		t.Errorf("smtps default port: %v %v", s, err)
	}
	if err := s.Send(context.Background(), smtpmail.Message{To: []string{"x@example.com"}, Subject: "a\r\nBcc: evil@example.com"}); err == nil || !strings.Contains(err.Error(), "line break") {
		t.Errorf("header injection: %v", err)
	}
}
