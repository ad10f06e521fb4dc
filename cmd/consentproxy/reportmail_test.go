package main

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/smtpmail/smtptest"
)

func TestReportPeriod(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct{ now, every, at, from, to string }{
		// Wednesday 2026-12-09: the week before next Monday.
		{"2026-12-09T10:00:00Z", everyWeekly, "2026-12-14T06:00:00Z", "2026-12-07", "2026-12-14"},
		{"2026-12-14T05:59:59Z", everyWeekly, "2026-12-14T06:00:00Z", "2026-12-07", "2026-12-14"},
		{"2026-12-14T06:00:00Z", everyWeekly, "2026-12-14T06:00:00Z", "2026-12-07", "2026-12-14"},
		{"2026-12-14T06:00:01Z", everyWeekly, "2026-12-21T06:00:00Z", "2026-12-14", "2026-12-21"},
		{"2026-12-09T05:00:00Z", everyDaily, "2026-12-09T06:00:00Z", "2026-12-08", "2026-12-09"},
		{"2026-12-09T07:00:00Z", everyDaily, "2026-12-10T06:00:00Z", "2026-12-09", "2026-12-10"},
		{"2026-12-09T07:00:00Z", everyMonthly, "2027-01-01T06:00:00Z", "2026-12-01", "2027-01-01"},
		{"2026-12-01T03:00:00+02:00", everyMonthly, "2026-12-01T06:00:00Z", "2026-11-01", "2026-12-01"},
	} {
		a, f, to := reportPeriod(at(c.now), c.every)
		if got := a.Format(time.RFC3339) + " " + f.Format(time.DateOnly) + " " + to.Format(time.DateOnly); got != c.at+" "+c.from+" "+c.to {
			t.Errorf("%s %s: %s, want %s %s %s", c.now, c.every, got, c.at, c.from, c.to)
		}
	}
}

func TestReportMailConfig(t *testing.T) {
	for _, c := range []struct{ server, from, to, every, want string }{
		{"", "", "", "hourly", "daily, weekly or monthly"},
		{"smtp://mail.example.com", "", "", "weekly", "go together"},
		{"smtp://mail.example.com", "r@example.com", "nobody", "weekly", "not an e-mail address"},
		{"http://mail.example.com", "r@example.com", "a@example.com", "weekly", "smtp://"},
	} {
		if _, err := readReportMail(c.server, c.from, c.to, c.every); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c, err, c.want)
		}
	}
	if r, err := readReportMail("", "", "", "weekly"); r != nil || err != nil {
		t.Errorf("none: %v %v", r, err)
	}
}

// TestReportMailSent: the real binary's Main sends the daily report to a
// real SMTP server, and the mail's numbers are the API's for that day.
func TestReportMailSent(t *testing.T) {
	srv := smtptest.Start(t)
	d := freshDB(t, engineChdb)
	m := runMain(t, []string{"--store=" + d.DSN, "--report-smtp=" + srv.URL(), "--report-from=consentproxy <reports@example.com>",
		"--report-to=marketing@example.com", "--report-every=daily", "--public-url=https://site.example", "--min-count=1"},
		func(c *Config) { c.storeDatabase = d.Database })
	rg := rigOf(t, m)
	day := time.Now().UTC()
	for i, ip := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		b := browser{IP: ip, UA: uaChromeWin, Lang: "en", Country: "DE", Cookie: rg.client.consent(true, false, "")}
		rg.client.mustCollect(b, hit(siteA, "1."+ip, "page_view", "https://site.example/pricing"))
		if i == 0 {
			rg.client.mustCollect(b, hit(siteA, "1."+ip, "page_view", "https://site.example/"))
		}
	}
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	eventually(t, 20*time.Second, "the hits in the store", func() bool {
		s, err := m.Stats.Summary(context.Background(), siteA, from, from.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		return s.Totals[1].Value == int64(4)
	})
	// The report due the next morning covers today.
	if err := m.sendReports(context.Background(), from.AddDate(0, 0, 1).Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Wait(t, 2) // one per measurement id
	var text string
	for _, msg := range msgs {
		subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if !strings.Contains(subj, siteA) {
			continue
		}
		if want := "consentproxy: " + siteA + ", " + from.Format(time.DateOnly) + " – " + from.Format(time.DateOnly) + ": 3 visitors"; subj != want {
			t.Errorf("subject %q, want %q", subj, want)
		}
		_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		p, err := multipart.NewReader(msg.Body, params["boundary"]).NextPart()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		text = string(b)
	}
	for _, line := range []string{"Visitors                                    3\n", "Page views                                  4\n",
		"GA4 coverage (visitors GA4 received)        100 %\n", "Dashboard: https://site.example/dashboard"} {
		if !strings.Contains(text, line) {
			t.Errorf("mail lacks %q:\n%s", line, text)
		}
	}
}
