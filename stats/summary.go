package stats

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/consentproxy/consentproxy"
)

// Summary is the scheduled e-mail report of one site and period: the
// headline numbers with the previous period's, the top pages and sources,
// the goals and GA4's coverage. Every number is an API answer (the same
// plans, the same suppression), so the mail never says more than the
// dashboard would.
type Summary struct {
	Site     string
	From, To time.Time // UTC, [From, To)
	// Totals are visitors, pageviews, visits, bounce_rate, visit_duration,
	// consent_rate, with the previous period's values and the change.
	Totals   []SummaryMetric
	Pages    []SummaryRow // top pages by visitors
	Sources  []SummaryRow // top sources (source_name) by visitors
	Goals    []SummaryRow // every goal reached, with its conversion rate
	Coverage any          // GA4's coverage in percent, nil when unknown
	// Dashboard is the dashboard's URL, when the proxy knows its own.
	Dashboard string
}

// SummaryMetric is one headline number.
type SummaryMetric struct {
	Name            string // the API's metric name
	Value, Previous any
	Change          any // percent, or percentage points for a rate
}

// SummaryRow is one line of a top list.
type SummaryRow struct {
	Label    string
	Visitors int64
	Rate     any // conversion rate for goals
}

// Summary builds site's summary of the UTC days [from, to).
func (a *API) Summary(ctx context.Context, site string, from, to time.Time) (*Summary, error) {
	dr := DateRange{From: from.UTC().Format(dateLayout), To: to.UTC().AddDate(0, 0, -1).Format(dateLayout)}
	s := &Summary{Site: site, From: from.UTC(), To: to.UTC()}
	ask := func(q Query) (Response, error) {
		q.Site, q.DateRange, q.Timezone = site, dr, "UTC"
		_, res, err := a.answer(ctx, q)
		return res, err
	}
	totals := []string{"visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "consent_rate"}
	res, err := ask(Query{Metrics: totals, Compare: ComparePrevious})
	if err != nil {
		return nil, fmt.Errorf("summary totals: %w", err)
	}
	for i, m := range totals {
		sm := SummaryMetric{Name: m}
		if len(res.Results) == 1 {
			r := res.Results[0]
			sm.Value = r.Metrics[i]
			if r.Comparison != nil {
				sm.Previous, sm.Change = r.Comparison.Metrics[i], r.Comparison.Change[i]
			}
		}
		s.Totals = append(s.Totals, sm)
	}
	top := func(dim string) ([]SummaryRow, error) {
		res, err := ask(Query{Metrics: []string{"visitors"}, Dimensions: []string{dim}, Limit: 5})
		if err != nil {
			return nil, fmt.Errorf("summary %s: %w", dim, err)
		}
		var out []SummaryRow
		for _, r := range res.Results {
			v, _ := r.Metrics[0].(int64)
			out = append(out, SummaryRow{Label: r.Dimensions[0], Visitors: v})
		}
		return out, nil
	}
	if s.Pages, err = top("page"); err != nil {
		return nil, err
	}
	if s.Sources, err = top("source_name"); err != nil {
		return nil, err
	}
	res, err = ask(Query{Metrics: []string{"visitors", "conversion_rate"}, Dimensions: []string{"goal"}, Limit: 20})
	if err != nil {
		return nil, fmt.Errorf("summary goals: %w", err)
	}
	for _, r := range res.Results {
		v, _ := r.Metrics[0].(int64)
		s.Goals = append(s.Goals, SummaryRow{Label: r.Dimensions[0], Visitors: v, Rate: r.Metrics[1]})
	}
	res, err = ask(Query{Metrics: []string{"conversion_rate"}, Filters: []Filter{{Op: "is", Dimension: "goal", Values: []string{consentproxy.GoalGA4}}}})
	if err != nil {
		return nil, fmt.Errorf("summary coverage: %w", err)
	}
	if len(res.Results) == 1 {
		s.Coverage = res.Results[0].Metrics[0]
	}
	return s, nil
}

// Subject is the mail's subject line.
func (s *Summary) Subject() string {
	v := "no data"
	if len(s.Totals) > 0 && s.Totals[0].Value != nil {
		v = fmtNum(s.Totals[0].Value) + " visitors"
	}
	return fmt.Sprintf("consentproxy: %s, %s – %s: %s", s.Site, s.From.Format(dateLayout), s.To.AddDate(0, 0, -1).Format(dateLayout), v)
}

// metricLabels are the headline metrics as people read them.
var metricLabels = map[string]string{"visitors": "Visitors", "pageviews": "Page views", "visits": "Visits",
	"bounce_rate": "Bounce rate", "visit_duration": "Visit duration", "consent_rate": "Consent rate (accept all of all decisions)"}

func fmtNum(v any) string {
	switch x := v.(type) {
	case int64:
		s := strconv.FormatInt(x, 10)
		for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return "–"
}

// fmtMetric renders a metric's value with its unit.
func fmtMetric(name string, v any) string {
	if v == nil {
		return "–"
	}
	switch name {
	case "bounce_rate", "consent_rate", "conversion_rate", "coverage":
		return fmtNum(v) + " %"
	case "visit_duration":
		return fmtNum(v) + " s"
	}
	return fmtNum(v)
}

// fmtChange renders a change: percentage points for a rate, else percent.
func fmtChange(name string, v any) string {
	f, ok := toFloat(v)
	if !ok {
		return ""
	}
	sign := "+"
	if f < 0 {
		sign = "−"
		f = -f
	}
	unit := " %"
	if rateMetrics[name] {
		unit = " pts"
	}
	return sign + strconv.FormatFloat(f, 'f', -1, 64) + unit
}

var summaryFuncs = map[string]any{
	"label":  func(n string) string { return metricLabels[n] },
	"metric": fmtMetric,
	"change": fmtChange,
	"num":    fmtNum,
	"date":   func(t time.Time) string { return t.Format(dateLayout) },
	"last":   func(t time.Time) string { return t.AddDate(0, 0, -1).Format(dateLayout) },
	"pad":    func(s string, n int) string { return s + strings.Repeat(" ", max(1, n-len([]rune(s)))) },
}

//go:embed summary.txt
var summaryText string

//go:embed summary.html
var summaryHTML string

var (
	summaryTextTmpl = texttemplate.Must(texttemplate.New("summary").Funcs(summaryFuncs).Parse(summaryText))
	summaryHTMLTmpl = htmltemplate.Must(htmltemplate.New("summary").Funcs(summaryFuncs).Parse(summaryHTML))
)

// Text renders the summary as plain text.
func (s *Summary) Text() (string, error) {
	var b bytes.Buffer
	err := summaryTextTmpl.Execute(&b, s)
	return b.String(), err
}

// HTML renders the summary as an HTML mail body (inline styles only).
func (s *Summary) HTML() (string, error) {
	var b bytes.Buffer
	err := summaryHTMLTmpl.Execute(&b, s)
	return b.String(), err
}
