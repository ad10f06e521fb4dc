package stats

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy"
)

// Report is the compliance report of one site and UTC month: what the proxy
// decided for every hit, what it filtered, which parameters of forwarded
// hits it kept from Google, and the banner decisions. It is built from the
// counting tables only (outcomes, filtered, removed_params,
// consent_choices, consent_jurisdictions), which hold no visitor
// attribute, so nothing in it is folded: it is what a site shows an
// auditor to prove that opt-outs were honoured.
type Report struct {
	Site  string    `json:"site"`
	Month string    `json:"month"` // YYYY-MM, UTC
	From  time.Time `json:"from"`  // UTC, inclusive
	To    time.Time `json:"to"`    // UTC, exclusive
	// Decisions has one line per reason, every reason, zeros included.
	Decisions []ReportLine `json:"decisions"`
	Filtered  []ReportLine `json:"filtered"`
	Removed   []ReportLine `json:"removed"`
	Choices   []ReportLine `json:"choices"`
	// ChoicesByJurisdiction are the same decisions per jurisdiction group
	// (recorded from migration 005 on).
	ChoicesByJurisdiction []ReportLine `json:"choices_by_jurisdiction"`
	// Notes are the deployment's settings in force when the report was
	// made (Config.ReportNotes): they say what the numbers mean.
	Notes []string  `json:"notes"`
	Made  time.Time `json:"made"`
}

// ReportLine is one counted key and its count.
type ReportLine struct {
	Key    string `json:"key"`
	Detail string `json:"detail,omitempty"`
	Count  int64  `json:"count"`
	// Meaning says, for a decision, what it is and what reached Google.
	Meaning string `json:"meaning,omitempty"`
}

// decisionMeanings say what each reason is and what Google received.
var decisionMeanings = map[consentproxy.Reason]string{
	consentproxy.ReasonForwarded: "analytics consent (or a model that measures without it); a minimized copy was sent to Google",
	consentproxy.ReasonNoConsent: "no consent yet where consent is required; nothing sent to Google",
	consentproxy.ReasonDenied:    "the visitor, or the hit's Consent Mode state, denied analytics; nothing sent to Google",
	consentproxy.ReasonOptOut:    "the visitor's opt-out cookie; nothing sent, nothing counted but this line",
	consentproxy.ReasonGPC:       "Global Privacy Control (Sec-GPC: 1) honoured; nothing sent, nothing counted but this line",
	consentproxy.ReasonDNT:       "Do Not Track (DNT: 1) honoured; nothing sent, nothing counted but this line",
	consentproxy.ReasonBot:       "a crawler, monitor, headless browser or library; nothing sent to Google",
	consentproxy.ReasonExcluded:  "excluded by the site owner's rules (internal address, referrer spam, staff); nothing sent",
	consentproxy.ReasonInvalid:   "malformed or over a limit; nothing sent (hits without a valid measurement id count under no site)",
}

// report reads the report of site for the UTC month starting at from.
func (a *API) report(ctx context.Context, site string, from time.Time) (*Report, error) {
	to := from.AddDate(0, 1, 0)
	rep := &Report{Site: site, Month: from.Format("2006-01"), From: from, To: to, Notes: a.cfg.ReportNotes, Made: a.cfg.Now().UTC()}
	read := func(t consentproxy.Table, cols ...string) (map[string]int64, error) {
		q := "SELECT " + strings.Join(cols, ", ") + ", sum(hits) AS n FROM " + t.Name +
			" FINAL WHERE site = ? AND hour >= ? AND hour < ? GROUP BY " + strings.Join(cols, ", ")
		res, err := a.cfg.Store.Query(ctx, q, site, from, to)
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", t.Name, err)
		}
		out := map[string]int64{}
		for _, cells := range res.Rows {
			if len(cells) != len(cols)+1 {
				return nil, fmt.Errorf("report %s: %d columns", t.Name, len(cells))
			}
			n, err := strconv.ParseInt(cells[len(cols)], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("report %s: count %q: %w", t.Name, cells[len(cols)], err)
			}
			out[strings.Join(cells[:len(cols)], "\x00")] += n
		}
		return out, nil
	}
	outcomes, err := read(consentproxy.TableOutcomes, "reason")
	if err != nil {
		return nil, err
	}
	for _, r := range consentproxy.Reasons() {
		rep.Decisions = append(rep.Decisions, ReportLine{Key: r.String(), Count: outcomes[r.String()], Meaning: decisionMeanings[r]})
	}
	lines := func(t consentproxy.Table, cols ...string) ([]ReportLine, error) {
		m, err := read(t, cols...)
		if err != nil {
			return nil, err
		}
		var out []ReportLine
		for k, n := range m {
			key, detail, _ := strings.Cut(k, "\x00")
			out = append(out, ReportLine{Key: key, Detail: detail, Count: n})
		}
		sortLines(out)
		return out, nil
	}
	if rep.Filtered, err = lines(consentproxy.TableFiltered, "reason", "class"); err != nil {
		return nil, err
	}
	if rep.Removed, err = lines(consentproxy.TableRemovedParams, "class"); err != nil {
		return nil, err
	}
	if rep.Choices, err = lines(consentproxy.TableConsentChoices, "outcome"); err != nil {
		return nil, err
	}
	if rep.ChoicesByJurisdiction, err = lines(consentproxy.TableConsentJurisdictions, "jurisdiction", "outcome"); err != nil {
		return nil, err
	}
	return rep, nil
}

// sortLines orders by count, descending, then key and detail.
func sortLines(ls []ReportLine) {
	slices.SortFunc(ls, func(a, b ReportLine) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Key, b.Key), strings.Compare(a.Detail, b.Detail))
	})
}

// serveReport answers GET /api/v1/report?site=…&month=YYYY-MM&format=html|csv|json.
func (a *API) serveReport(c *fiber.Ctx) error {
	for key := range queryValues(c) {
		switch key {
		case "site", "month", "format":
		default:
			return invalid("unknown parameter %q; known: site, month (YYYY-MM, UTC; default this month), format (html, csv, json; default html)", key)
		}
	}
	site := c.Query("site")
	if site == "" || len(site) > 200 || !printable(site) {
		return invalid("site is required: the measurement id of one site (printable, at most 200 bytes)")
	}
	now := a.cfg.Now().UTC()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if m := c.Query("month"); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil || t.Year() < 1971 || t.Year() > 2105 {
			return invalid("month must be YYYY-MM (a UTC month), not %q", m)
		}
		from = t
	}
	format := c.Query("format", "html")
	if format != "html" && format != "csv" && format != "json" {
		return invalid("format must be html, csv or json, not %q", format)
	}
	if a.cfg.Authorize != nil {
		if err := a.cfg.Authorize(c, site); err != nil {
			return err
		}
	}
	ctx, cancel := contextWithTimeout(c, a.cfg.Timeout)
	defer cancel()
	rep, err := a.report(ctx, site, from)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	name := "consentproxy-report-" + rep.Month
	switch format {
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
		return c.Send(rep.CSV())
	case "json":
		return c.JSON(rep)
	}
	var buf bytes.Buffer
	if err := reportPage.Execute(&buf, rep); err != nil {
		return fmt.Errorf("report page: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// A document of numbers: no script, no style from elsewhere.
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	return c.Send(buf.Bytes())
}

// CSV renders the report as section,key,detail,count rows, a spreadsheet's
// formula characters neutralized as in query answers.
func (r *Report) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"site", "month", "section", "key", "detail", "count"})
	for _, s := range []struct {
		name  string
		lines []ReportLine
	}{{"decision", r.Decisions}, {"filtered", r.Filtered}, {"removed_parameter", r.Removed},
		{"consent_choice", r.Choices}, {"consent_choice_by_jurisdiction", r.ChoicesByJurisdiction}} {
		for _, l := range s.lines {
			_ = w.Write([]string{csvSafe(r.Site), r.Month, s.name, csvSafe(l.Key), csvSafe(l.Detail), strconv.FormatInt(l.Count, 10)})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// Total is the sum of lines' counts.
func Total(ls []ReportLine) int64 {
	var n int64
	for _, l := range ls {
		n += l.Count
	}
	return n
}

//go:embed report.html
var reportHTML string

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"total": Total,
	"date":  func(t time.Time) string { return t.Format("2006-01-02") },
	"stamp": func(t time.Time) string { return t.Format(time.RFC3339) },
	"last":  func(t time.Time) string { return t.AddDate(0, 0, -1).Format("2006-01-02") },
}).Parse(reportHTML))
