package privacy

import (
	"strings"
)

// The notice is built once, as a document of sections, paragraphs, lists
// and tables, and every renderer walks the same document: HTML, Markdown
// and the JSON's prose cannot say different things.

// inline is a run of text: plain, a code span (names, parameters), or a link.
type inline struct {
	Text string
	Code bool
	Href string
}

// para is a paragraph, a list item or a table cell.
type para []inline

// merge joins neighbouring plain runs, so renderers see whole sentences.
func (p para) merge() para {
	var out para
	for _, in := range p {
		if n := len(out); n > 0 && !in.Code && in.Href == "" && !out[n-1].Code && out[n-1].Href == "" {
			out[n-1].Text += in.Text
			continue
		}
		out = append(out, in)
	}
	return out
}

// plain is the paragraph's text without markup.
func (p para) plain() string {
	var b strings.Builder
	for _, in := range p {
		b.WriteString(in.Text)
	}
	return b.String()
}

// block is exactly one of a paragraph, a list or a table.
type block struct {
	Para  para
	Items []para
	Table *table
}

type table struct {
	Head []string
	Rows [][]para
}

type section struct {
	ID, Title string
	Blocks    []block
}

type document struct {
	Lang, Title string
	Intro       []para
	Sections    []section
	Footer      para
}

// Options shape links, which depend on where the notice is read.
type Options struct {
	// BaseURL is the proxy's origin (and path prefix), e.g.
	// https://proxy.example.com; endpoints become absolute links. Default
	// "": HTML links relative to the page (right under any path prefix the
	// proxy is mounted at), Markdown shows paths without links.
	BaseURL string

	relative bool // set by the HTML renderer
}

func (o Options) href(path string) string {
	switch {
	case o.BaseURL != "":
		return strings.TrimSuffix(o.BaseURL, "/") + path
	case o.relative:
		return strings.TrimPrefix(path, "/")
	}
	return ""
}

func code(s string) inline { return inline{Text: s, Code: true} }

// endpointRef is "GET /consent", linked when it is a GET and a link is possible.
func (o Options) endpointRef(e Endpoint) inline {
	in := code(e.Method + " " + e.Path)
	if e.Method == "GET" {
		in.Href = o.href(e.Path)
	}
	return in
}

func build(f *Facts, l *lang, o Options) document {
	d := document{Lang: l.code, Title: l.s("title")}
	d.Intro = append(d.Intro, l.p("intro", "revision", code(f.Revision)))
	if e, ok := f.endpoint(RightNotice); ok {
		d.Intro = append(d.Intro, l.p("intro.json", "json", o.endpointRef(e)))
	}
	d.Sections = []section{
		cookieSection(f, l, o),
		signalSection(f, l),
		jurisdictionSection(f, l),
		googleSection(f, l),
		storedSection(f, l),
		rightsSection(f, l, o),
		{ID: "revision", Title: l.s("sec.revision"), Blocks: []block{
			{Para: l.p("revision.current", "revision", code(f.Revision))},
			{Para: l.p("revision.expiry", "expiry", l.duration(f.ConsentMaxAge))},
		}},
	}
	d.Footer = l.p("footer")
	return d
}

func cookieTable(cs []Cookie, l *lang) *table {
	t := &table{Head: []string{l.s("col.name"), l.s("col.purpose"), l.s("col.category"), l.s("col.lifetime"), l.s("col.domain"), l.s("col.party")}}
	for _, c := range cs {
		scope := l.p("scope."+c.Scope, "domain", code(c.Domain))
		t.Rows = append(t.Rows, []para{
			{code(c.Name)},
			l.p("cookie."+c.Purpose, "id", code(c.Site)),
			{{Text: l.s("cat." + c.Category)}},
			{{Text: l.duration(c.MaxAge)}},
			scope,
			{{Text: l.s("party." + c.SetBy)}},
		})
	}
	return t
}

func cookieSection(f *Facts, l *lang, o Options) section {
	s := section{ID: "cookies", Title: l.s("sec.cookies")}
	s.Blocks = append(s.Blocks, block{Para: l.p("cookies.intro")}, block{Table: cookieTable(f.Cookies, l)})
	if len(f.GoogleCookies) > 0 {
		s.Blocks = append(s.Blocks, block{Para: l.p("google_cookies." + f.BannerMode + regional(f))}, block{Table: cookieTable(f.GoogleCookies, l)})
		if e, ok := f.endpoint(RightWithdraw); ok {
			s.Blocks = append(s.Blocks, block{Para: l.p("google_cookies.withdraw", "delete", o.endpointRef(e))})
		}
	}
	if len(f.Storage) > 0 {
		t := &table{Head: []string{l.s("col.name"), l.s("col.purpose"), l.s("col.kept")}}
		for _, e := range f.Storage {
			t.Rows = append(t.Rows, []para{{code(e.Name)}, l.p("storage." + e.Purpose), {{Text: l.s("storage." + e.Kind)}}})
		}
		s.Blocks = append(s.Blocks, block{Para: l.p("storage.intro")}, block{Table: t})
	}
	return s
}

// regional is the suffix of the texts that admit measurement before a
// choice, where some visitor's model measures without one.
func regional(f *Facts) string {
	if f.measuresWithoutChoice() {
		return ".regional"
	}
	return ""
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func signalSection(f *Facts, l *lang) section {
	sg := f.Signals
	gpc := l.p("signal.gpc."+onOff(sg.GPC), "header", code("Sec-GPC: 1"))
	if !sg.GPC && f.optOutGPC() {
		gpc = l.p("signal.gpc.off.regional", "header", code("Sec-GPC: 1"), "section", l.s("sec.jurisdictions"))
	}
	items := []para{
		l.p("signal.optout", "cookie", code(sg.OptOutCookie)),
		gpc,
		l.p("signal.dnt."+onOff(sg.DNT), "header", code("DNT: 1")),
	}
	blocks := []block{{Para: l.p("signals.intro")}, {Items: items}}
	if sg.GPC || sg.DNT {
		key := "signals.banner"
		if sg.OptInOverridesSignals {
			key = "signals.override"
		}
		blocks = append(blocks, block{Para: l.p(key)})
	}
	return section{ID: "signals", Title: l.s("sec.signals"), Blocks: blocks}
}

func googleSection(f *Facts, l *lang) section {
	g := f.Google
	var ip para
	if g.IPMode == IPRedact {
		ip = l.p("google.ip.redact", "addr", code(g.IPExample[1].String()))
	} else {
		ip = l.p("google.ip.truncate", "v4", g.IPv4Prefix, "v6", g.IPv6Prefix,
			"from", code(g.IPExample[0].String()), "to", code(g.IPExample[1].String()))
	}
	items := []para{ip, l.p("google.headers", "headers", codes(g.Headers))}
	if len(g.DroppedParams) > 0 {
		items = append(items, l.p("google.ids", "params", codes(g.DroppedParams)))
	}
	if len(g.KeptUserParams) > 0 {
		items = append(items, l.p("google.ids.kept", "params", codes(g.KeptUserParams)))
	}
	if len(g.KeptURLParams) > 0 {
		items = append(items, l.p("google.urls", "params", codes(g.KeptURLParams)))
	} else {
		items = append(items, l.p("google.urls.none"))
	}
	items = append(items, l.p("google.events"))
	if !g.SearchTerms {
		items = append(items, l.p("google.search"))
	}
	if len(g.ForwardedParams) > 0 {
		items = append(items, l.p("google.allowlist", "params", codes(g.ForwardedParams)))
	}
	items = append(items, l.p("google.rest"))
	return section{ID: "google", Title: l.s("sec.google"), Blocks: []block{
		{Para: l.p("google.when"+regional(f), "ids", codes(f.MeasurementIDs), "revision", code(f.Revision),
			"section", l.s("sec.jurisdictions"))},
		{Para: l.p("google.transport")},
		{Items: items},
	}}
}

// neverStored is what no table, log or file holds. The canary test in
// cmd/consentproxy sends each of them through the real proxy into both
// engines and searches every table, the logs and the data directory.
var neverStored = []string{"ip", "client_id", "user_id", "user_agent", "query", "title", "event_values", "user_properties"}

func storedSection(f *Facts, l *lang) section {
	st := f.Stored
	s := section{ID: "stored", Title: l.s("sec.stored")}
	never := []block{{Para: l.p("stored.never")}, {Items: func() []para {
		var out []para
		for _, k := range neverStored {
			out = append(out, l.p("never."+k))
		}
		return out
	}()}}
	if !st.Enabled {
		s.Blocks = append([]block{{Para: l.p("stored.none")}}, never...)
		return s
	}
	s.Blocks = append(s.Blocks,
		block{Para: l.p("stored.intro")},
		block{Para: l.p("stored.outcomes", "reasons", codes(st.Outcomes))},
		block{Para: l.p("stored.unconsented." + onOff(st.CountWithoutConsent) + regional(f))})
	t := &table{Head: []string{l.s("col.table"), l.s("col.breakdown"), l.s("col.visitors")}}
	visitors := false
	for _, tb := range st.Tables {
		var dims para
		for i, d := range tb.Dims {
			if i > 0 {
				dims = append(dims, inline{Text: "; "})
			}
			dims = append(dims, code(d), inline{Text: " (" + l.s("dim."+d) + ")"})
		}
		if len(tb.Dims) == 0 {
			dims = para{{Text: l.s("dims.none")}}
		}
		visitors = visitors || tb.Visitors
		t.Rows = append(t.Rows, []para{{code(tb.Name)}, dims.merge(), {{Text: l.s("visitors." + onOff(tb.Visitors))}}})
	}
	s.Blocks = append(s.Blocks, block{Table: t})
	var notes []para
	if visitors {
		notes = append(notes, l.p("stored.visitors"))
	}
	notes = append(notes, l.p("stored.sessions", "timeout", l.duration(st.SessionTimeout)))
	country := "none"
	switch {
	case st.CountryHeader && st.GeoIP:
		country = "both"
	case st.CountryHeader:
		country = "header"
	case st.GeoIP:
		country = "geoip"
	}
	notes = append(notes, l.p("stored.country."+country),
		l.p("stored.retention", "retention", l.duration(st.Retention)),
		l.p("stored.mincount", "n", st.MinCount))
	s.Blocks = append(s.Blocks, block{Items: notes})
	s.Blocks = append(s.Blocks, never...)
	return s
}

func rightsSection(f *Facts, l *lang, o Options) section {
	var consentCookie string
	for _, c := range f.Cookies {
		if c.Purpose == PurposeConsent {
			consentCookie = c.Name
		}
	}
	var items []para
	if e, ok := f.endpoint(RightView); ok {
		items = append(items, l.p("right.view", "link", o.endpointRef(e)))
	}
	if e, ok := f.endpoint(RightWithdraw); ok {
		items = append(items, l.p("right.withdraw", "delete", o.endpointRef(e), "cookie", code(consentCookie)))
	}
	if e, ok := f.endpoint(RightOptOut); ok {
		items = append(items, l.p("right.optout", "link", o.endpointRef(e), "cookie", code(f.Signals.OptOutCookie)))
	}
	return section{ID: "rights", Title: l.s("sec.rights"), Blocks: []block{
		{Para: l.p("rights.intro")},
		{Items: items},
		{Para: l.p("right.nothing")},
		{Para: l.p("right.google")},
	}}
}
