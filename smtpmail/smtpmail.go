// Package smtpmail sends the scheduled e-mail report through an SMTP
// server: a multipart/alternative message (text and HTML) over the
// standard library's net/smtp, with STARTTLS whenever the server offers
// it, implicit TLS for smtps://, and PLAIN authentication only over TLS or
// to a server on the same machine (net/smtp refuses it otherwise).
package smtpmail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Sender sends mail through one SMTP server.
type Sender struct {
	host, port string
	implicit   bool // smtps://: TLS from the first byte
	user, pass string
	from       mail.Address
	// Timeout bounds one message's whole conversation. Default 30 s.
	Timeout time.Duration
	// TLS is the client configuration for STARTTLS and smtps. Default:
	// the system roots, ServerName the server's host.
	TLS *tls.Config
}

// New reads the server from a URL — smtp://[user:password@]host[:port]
// (STARTTLS when offered; port 587 by default) or smtps://… (implicit TLS,
// port 465) — and the sender's address.
func New(server, from string) (*Sender, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, errors.New("the SMTP server is smtp://[user:password@]host[:port] or smtps://…")
	}
	f, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("the sender %q is not an e-mail address: %w", from, err)
	}
	s := &Sender{host: u.Hostname(), port: u.Port(), implicit: u.Scheme == "smtps", from: *f, Timeout: 30 * time.Second}
	if s.port == "" {
		s.port = map[bool]string{false: "587", true: "465"}[s.implicit]
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// Addr is host:port, for messages.
func (s *Sender) Addr() string { return net.JoinHostPort(s.host, s.port) }

// Message is one e-mail.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string // optional
}

// Send delivers m. It never logs the message or the credentials.
func (s *Sender) Send(ctx context.Context, m Message) error {
	if len(m.To) == 0 {
		return errors.New("smtpmail: no recipient")
	}
	var rcpt []string
	for _, t := range m.To {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return fmt.Errorf("smtpmail: recipient %q: %w", t, err)
		}
		rcpt = append(rcpt, a.Address)
	}
	body, err := s.compose(m, rcpt)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.Addr())
	if err != nil {
		return fmt.Errorf("smtpmail: dial %s: %w", s.Addr(), err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tcfg := s.tlsConfig()
	if s.implicit {
		tc := tls.Client(conn, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("smtpmail: TLS with %s: %w", s.Addr(), err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("smtpmail: %s: %w", s.Addr(), err)
	}
	defer c.Close()
	if err := c.Hello(helloName()); err != nil {
		return fmt.Errorf("smtpmail: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicit {
		if err := c.StartTLS(tcfg); err != nil {
			return fmt.Errorf("smtpmail: STARTTLS: %w", err)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("smtpmail: authentication: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("smtpmail: MAIL FROM: %w", err)
	}
	for _, r := range rcpt {
		if err := c.Rcpt(r); err != nil {
			return fmt.Errorf("smtpmail: RCPT TO %s: %w", r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtpmail: DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("smtpmail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtpmail: the server did not take the message: %w", err)
	}
	return c.Quit()
}

func (s *Sender) tlsConfig() *tls.Config {
	if s.TLS != nil {
		c := s.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// helloName is what EHLO says: a fixed name, not the machine's, which
// would tell the mail server's logs more than they need.
func helloName() string { return "consentproxy.localhost" }

// compose renders m as an RFC 5322 message: quoted-printable UTF-8 parts,
// the subject encoded as an RFC 2047 word where it is not ASCII.
func (s *Sender) compose(m Message, rcpt []string) ([]byte, error) {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("smtpmail: the subject holds a line break")
	}
	var b bytes.Buffer
	var id [12]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, fmt.Errorf("smtpmail: message id: %w", err)
	}
	boundary := "cp-" + hex.EncodeToString(id[:])
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", s.from.String())
	hdr("To", strings.Join(rcpt, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", time.Now().UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id[:])+"@consentproxy.localhost>")
	hdr("MIME-Version", "1.0")
	hdr("Auto-Submitted", "auto-generated")
	part := func(ctype, text string) error {
		b.WriteString("Content-Type: " + ctype + "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n"))); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		b.WriteString("\r\n")
		return nil
	}
	if m.HTML == "" {
		if err := part("text/plain", m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	hdr("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, p := range []struct{ ctype, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		b.WriteString("--" + boundary + "\r\n")
		if err := part(p.ctype, p.text); err != nil {
			return nil, err
		}
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes(), nil
}
