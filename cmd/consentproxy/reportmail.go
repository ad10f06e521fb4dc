package main

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/smtpmail"
)

// Report periods (--report-every). Each is sent at 06:00 UTC once it has
// ended: daily for yesterday, weekly on Monday for the week before
// (Monday to Sunday), monthly on the 1st for the month before.
const (
	everyDaily   = "daily"
	everyWeekly  = "weekly"
	everyMonthly = "monthly"
	reportHour   = 6
)

// reportPeriod is the period whose report is due at or after now: when to
// send it, and the UTC days [from, to) it covers.
func reportPeriod(now time.Time, every string) (at, from, to time.Time) {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	next := func(base time.Time, step func(time.Time) time.Time) time.Time {
		at := base.Add(reportHour * time.Hour)
		for at.Before(now) {
			base = step(base)
			at = base.Add(reportHour * time.Hour)
		}
		return base
	}
	switch every {
	case everyDaily:
		to = next(day, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) })
		from = to.AddDate(0, 0, -1)
	case everyMonthly:
		to = next(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), func(t time.Time) time.Time { return t.AddDate(0, 1, 0) })
		from = to.AddDate(0, -1, 0)
	default: // weekly
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		to = next(monday, func(t time.Time) time.Time { return t.AddDate(0, 0, 7) })
		from = to.AddDate(0, 0, -7)
	}
	return to.Add(reportHour * time.Hour), from, to
}

// reportMail is the configured e-mail report, or nil.
type reportMail struct {
	sender *smtpmail.Sender
	to     []string
	every  string
}

// readReportMail checks the --report-* flags: all or none of server, from
// and to.
func readReportMail(server, from, to, every string) (*reportMail, error) {
	if every != everyDaily && every != everyWeekly && every != everyMonthly {
		return nil, fmt.Errorf("--report-every must be daily, weekly or monthly, not %q", every)
	}
	if server == "" && from == "" && to == "" {
		return nil, nil
	}
	if server == "" || from == "" || to == "" {
		return nil, errors.New("--report-smtp, --report-from and --report-to go together")
	}
	s, err := smtpmail.New(server, from)
	if err != nil {
		return nil, fmt.Errorf("--report-smtp: %w", err)
	}
	var rcpt []string
	for _, a := range strings.Split(to, ",") {
		a = strings.TrimSpace(a)
		if _, err := mail.ParseAddress(a); err != nil {
			return nil, fmt.Errorf("--report-to: %q is not an e-mail address", a)
		}
		rcpt = append(rcpt, a)
	}
	return &reportMail{sender: s, to: rcpt, every: every}, nil
}

// runReports sends each period's report when it is due, until ctx ends. A
// proxy that is down at the hour does not send that period's report
// later: with several proxies, set --report-smtp on one of them.
func (m *Main) runReports(ctx context.Context) {
	r := m.Config.ReportMail
	for {
		at, _, _ := reportPeriod(time.Now(), r.every)
		m.Logger.Info("next e-mail report", "at", at.Format(time.RFC3339), "every", r.every, "to", len(r.to))
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(at)):
		}
		if err := m.sendReports(ctx, at); err != nil {
			m.Logger.Error("e-mail report failed", "err", err)
		}
	}
}

// sendReports sends the report due at now for every measurement id, one
// message each.
func (m *Main) sendReports(ctx context.Context, now time.Time) error {
	r := m.Config.ReportMail
	if r == nil || m.Stats == nil {
		return errors.New("no e-mail report configured, or no store")
	}
	_, from, to := reportPeriod(now, r.every)
	var errs []error
	for _, site := range m.Config.MeasurementIDs {
		sum, err := m.Stats.Summary(ctx, site, from, to)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", site, err))
			continue
		}
		if m.Config.PublicURL != "" {
			sum.Dashboard = strings.TrimSuffix(m.Config.PublicURL, "/") + "/dashboard"
		}
		text, err := sum.Text()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		html, err := sum.HTML()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.sender.Send(ctx, smtpmail.Message{To: r.to, Subject: sum.Subject(), Text: text, HTML: html}); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", site, err))
			continue
		}
		m.Logger.Info("e-mail report sent", "site", site, "from", from.Format(time.DateOnly), "server", r.sender.Addr())
	}
	return errors.Join(errs...)
}
