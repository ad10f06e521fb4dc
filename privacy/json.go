package privacy

import (
	"encoding/json"
	"time"
)

// The JSON notice carries every fact as data (names, seconds, flags) next to
// the same words the HTML uses, so a site can build its own page from it
// and a program can check a deployment without parsing prose.

type jsonNotice struct {
	Version        int      `json:"version"`
	Lang           string   `json:"lang"`
	Title          string   `json:"title"`
	Revision       string   `json:"revision"`
	ConsentMaxAge  int64    `json:"consent_max_age_seconds"`
	ConsentExpiry  string   `json:"consent_expiry"`
	BannerMode     string   `json:"banner_mode"`
	MeasurementIDs []string `json:"measurement_ids"`

	Cookies       []jsonCookie  `json:"cookies"`
	GoogleCookies []jsonCookie  `json:"google_cookies"`
	Storage       []jsonStorage `json:"browser_storage"`
	Signals       jsonSignals   `json:"signals"`
	// Jurisdictions are the consent rules by place; empty: opt-in for
	// everyone.
	Jurisdictions  []jsonJurisdiction `json:"jurisdictions"`
	LocationSource string             `json:"location_source"`
	Google         jsonGoogle         `json:"google"`
	Stored         jsonStored         `json:"stored"`
	Rights         []jsonRight        `json:"rights"`
	Sections       []jsonSection      `json:"sections"`
}

type jsonCookie struct {
	Name     string `json:"name"`
	SetBy    string `json:"set_by"`
	Purpose  string `json:"purpose"`
	Category string `json:"category"`
	MaxAge   int64  `json:"max_age_seconds"`
	Lifetime string `json:"lifetime"`
	Scope    string `json:"scope"`
	Domain   string `json:"domain,omitempty"`
	SentTo   string `json:"sent_to"`
	Party    string `json:"party"`
	HTTPOnly bool   `json:"http_only"`
}

type jsonStorage struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Purpose string `json:"purpose"`
}

type jsonSignals struct {
	OptOutCookie          string `json:"opt_out_cookie"`
	GPC                   bool   `json:"gpc"`
	DNT                   bool   `json:"dnt"`
	OptInOverridesSignals bool   `json:"opt_in_overrides_signals"`
}

type jsonGoogle struct {
	IPMode         string   `json:"ip_mode"`
	IPv4Prefix     int      `json:"ipv4_prefix,omitempty"`
	IPv6Prefix     int      `json:"ipv6_prefix,omitempty"`
	IPExample      []string `json:"ip_example,omitempty"` // an address and what Google receives for it
	IPSent         string   `json:"ip_sent_instead,omitempty"`
	Headers        []string `json:"headers"`
	DroppedParams  []string `json:"dropped_params"`
	KeptUserParams []string `json:"kept_user_params"`
	KeptURLParams  []string `json:"kept_url_params"`
	// ForwardedParams is the allowlist of parameters Google may get.
	ForwardedParams []string `json:"forwarded_params"`
	SearchTerms     bool     `json:"search_terms_forwarded"`
}

type jsonStored struct {
	Enabled             bool        `json:"enabled"`
	Tables              []jsonTable `json:"tables,omitempty"`
	Outcomes            []string    `json:"outcomes,omitempty"`
	CountWithoutConsent bool        `json:"count_without_consent"`
	Retention           int64       `json:"retention_seconds,omitempty"`
	RetentionText       string      `json:"retention,omitempty"`
	MinCount            int         `json:"min_count,omitempty"`
	Country             string      `json:"country_source"`
	SessionTimeout      int64       `json:"session_timeout_seconds,omitempty"`
	NeverStored         []jsonNever `json:"never_stored"`
}

type jsonTable struct {
	Name     string    `json:"name"`
	Dims     []jsonDim `json:"dimensions"`
	Visitors bool      `json:"unique_visitors"`
}

type jsonDim struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type jsonNever struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type jsonRight struct {
	Right  string `json:"right"`
	Method string `json:"method"`
	Path   string `json:"path"`
	URL    string `json:"url,omitempty"`
}

type jsonSection struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Text  []string `json:"text"`
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

func renderJSON(f *Facts, l *lang, o Options) ([]byte, error) {
	d := build(f, l, o)
	n := jsonNotice{
		Version: 1, Lang: l.code, Title: d.Title, Revision: f.Revision,
		ConsentMaxAge: seconds(f.ConsentMaxAge), ConsentExpiry: l.duration(f.ConsentMaxAge),
		BannerMode: f.BannerMode, MeasurementIDs: nonNil(f.MeasurementIDs),
		Cookies: jsonCookies(f.Cookies, l), GoogleCookies: jsonCookies(f.GoogleCookies, l),
		Storage:       []jsonStorage{},
		Signals:       jsonSignals(f.Signals),
		Jurisdictions: jsonJurisdictions(f, l), LocationSource: locationSourceJSON(f.LocationSource),
		Google: jsonGoogle{IPMode: f.Google.IPMode, Headers: nonNil(f.Google.Headers),
			DroppedParams: nonNil(f.Google.DroppedParams), KeptUserParams: nonNil(f.Google.KeptUserParams),
			KeptURLParams: nonNil(f.Google.KeptURLParams), ForwardedParams: nonNil(f.Google.ForwardedParams),
			SearchTerms: f.Google.SearchTerms},
		Stored: jsonStored{Enabled: f.Stored.Enabled, CountWithoutConsent: f.Stored.CountWithoutConsent, Country: "none"},
	}
	for _, e := range f.Storage {
		n.Storage = append(n.Storage, jsonStorage{Name: e.Name, Kind: e.Kind, Purpose: l.p("storage." + e.Purpose).plain()})
	}
	g := f.Google
	if g.IPMode == IPTruncate {
		n.Google.IPv4Prefix, n.Google.IPv6Prefix = g.IPv4Prefix, g.IPv6Prefix
		n.Google.IPExample = []string{g.IPExample[0].String(), g.IPExample[1].String()}
	} else {
		n.Google.IPSent = g.IPExample[1].String()
	}
	st := f.Stored
	if st.Enabled {
		for _, t := range st.Tables {
			jt := jsonTable{Name: t.Name, Dims: []jsonDim{}, Visitors: t.Visitors}
			for _, dim := range t.Dims {
				jt.Dims = append(jt.Dims, jsonDim{Name: dim, Description: l.s("dim." + dim)})
			}
			n.Stored.Tables = append(n.Stored.Tables, jt)
		}
		n.Stored.Outcomes = st.Outcomes
		n.Stored.Retention, n.Stored.RetentionText = seconds(st.Retention), l.duration(st.Retention)
		n.Stored.MinCount = st.MinCount
		n.Stored.SessionTimeout = seconds(st.SessionTimeout)
		switch {
		case st.CountryHeader && st.GeoIP:
			n.Stored.Country = "header,geoip"
		case st.CountryHeader:
			n.Stored.Country = "header"
		case st.GeoIP:
			n.Stored.Country = "geoip"
		}
	}
	for _, k := range neverStored {
		n.Stored.NeverStored = append(n.Stored.NeverStored, jsonNever{ID: k, Text: l.s("never." + k)})
	}
	n.Rights = []jsonRight{}
	for _, r := range f.Rights {
		n.Rights = append(n.Rights, jsonRight{Right: r.Right, Method: r.Method, Path: r.Path, URL: o.href(r.Path)})
	}
	for _, s := range d.Sections {
		js := jsonSection{ID: s.ID, Title: s.Title}
		for _, b := range s.Blocks {
			switch {
			case b.Table != nil:
				// The table's facts are the structured fields above.
			case b.Items != nil:
				for _, it := range b.Items {
					js.Text = append(js.Text, it.plain())
				}
			default:
				js.Text = append(js.Text, b.Para.plain())
			}
		}
		n.Sections = append(n.Sections, js)
	}
	out, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func jsonCookies(cs []Cookie, l *lang) []jsonCookie {
	out := []jsonCookie{}
	for _, c := range cs {
		out = append(out, jsonCookie{
			Name: c.Name, SetBy: c.SetBy, Purpose: l.p("cookie."+c.Purpose, "id", code(c.Site)).plain(),
			Category: c.Category, MaxAge: seconds(c.MaxAge), Lifetime: l.duration(c.MaxAge),
			Scope: c.Scope, Domain: c.Domain, SentTo: l.p("scope."+c.Scope, "domain", code(c.Domain)).plain(),
			Party: "first", HTTPOnly: c.HTTPOnly,
		})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
