package aggregate

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Goal is one thing a site owner wants visitors to do: an event (sign_up,
// purchase) or a page view whose path matches a pattern (/thanks,
// /blog/*). A countable hit that matches counts in the goals table under
// the visit's channel, utm_source, utm_campaign and entry page.
type Goal struct {
	// Name is how the goal is stored and shown: 1-40 of a-z, 0-9, _ and -.
	Name string
	// Event is a GA4 event name the goal is reached by. Exactly one of
	// Event and Page is set.
	Event string
	// Property and Value narrow an event goal to events whose parameter
	// ep.Property (or epn.Property) is Value, compared without regard to
	// case: a purchase of plan "pro". Default "": any such event.
	Property, Value string
	// Page is a path pattern matched against a page view's normalized path
	// (see dims.Path): * matches within one path segment, ** across
	// segments, anything else itself. "/pricing", "/blog/*", "/docs/**".
	Page string
	// Sites are the measurement ids the goal applies to. Default (nil):
	// every site.
	Sites []string
}

// Funnel is an ordered list of goals. A visit reaches step n when it
// reaches step n's goal after steps 1 … n-1, in that order; the order is
// followed in the session in memory, never stored.
type Funnel struct {
	// Name is how the funnel is stored and shown, like a goal's.
	Name string
	// Steps are goal names, 2 to MaxFunnelSteps of them, each a goal that
	// applies to every site the funnel does.
	Steps []string
	// Sites as Goal.Sites. Default (nil): every site.
	Sites []string
}

// Limits of the goals configuration, per site: a visit keeps which goals
// it reached in a 64-bit set, and each funnel's progress in a byte.
const (
	MaxGoals       = 64
	MaxFunnels     = 8
	MaxFunnelSteps = 8
)

// siteGoals is what one site's hits are matched against.
type siteGoals struct {
	goals   []goalMatcher
	funnels []funnelSteps
	props   []propMatcher
}

type goalMatcher struct {
	name    string
	event   string
	ep, epn string // the property's parameter names, "" for none
	value   string
	page    []string // pattern segments; nil for an event goal
}

type funnelSteps struct {
	name   string
	steps  []int // goal indexes in siteGoals.goals
	labels []string
}

// goalTable resolves a site to its goals. The zero value has none.
type goalTable struct {
	all   *siteGoals // goals without Sites
	sites map[string]*siteGoals
}

func (t *goalTable) forSite(site string) *siteGoals {
	if sg, ok := t.sites[site]; ok {
		return sg
	}
	return t.all
}

// compileGoals checks goals and funnels and builds each site's matchers.
func compileGoals(goals []Goal, funnels []Funnel, props []Property) (goalTable, error) {
	var t goalTable
	if len(goals) == 0 && len(funnels) == 0 && len(props) == 0 {
		return t, nil
	}
	pnames := map[string]bool{}
	for _, p := range props {
		if err := checkProperty(p); err != nil {
			return t, fmt.Errorf("property %q: %w", p.Name, err)
		}
		if pnames[p.Name] {
			return t, fmt.Errorf("property %q is defined twice", p.Name)
		}
		pnames[p.Name] = true
	}
	names := map[string]bool{}
	for _, g := range goals {
		if err := checkName(g.Name); err != nil {
			return t, fmt.Errorf("goal %q: %w", g.Name, err)
		}
		if names[g.Name] {
			return t, fmt.Errorf("goal %q is defined twice", g.Name)
		}
		names[g.Name] = true
		switch {
		case (g.Event == "") == (g.Page == ""):
			return t, fmt.Errorf("goal %q: set exactly one of event and page", g.Name)
		case g.Event != "" && eventName(g.Event) != g.Event:
			return t, fmt.Errorf("goal %q: event %q is not a GA4 event name (a letter, then letters, digits and _, at most 40)", g.Name, g.Event)
		case g.Page != "":
			if _, err := parsePattern(g.Page); err != nil {
				return t, fmt.Errorf("goal %q: %w", g.Name, err)
			}
			if g.Property != "" || g.Value != "" {
				return t, fmt.Errorf("goal %q: property and value narrow an event goal, not a page goal", g.Name)
			}
		case (g.Property == "") != (g.Value == ""):
			return t, fmt.Errorf("goal %q: set both property and value, or neither", g.Name)
		case g.Property != "" && checkProperty(Property{Name: g.Property, FreeText: true}) != nil:
			return t, fmt.Errorf("goal %q: property %q is no property name (a-z, 0-9, _, without ep.)", g.Name, g.Property)
		}
	}
	fnames := map[string]bool{}
	for _, f := range funnels {
		if err := checkName(f.Name); err != nil {
			return t, fmt.Errorf("funnel %q: %w", f.Name, err)
		}
		if fnames[f.Name] {
			return t, fmt.Errorf("funnel %q is defined twice", f.Name)
		}
		fnames[f.Name] = true
		if len(f.Steps) < 2 || len(f.Steps) > MaxFunnelSteps {
			return t, fmt.Errorf("funnel %q: 2 to %d steps, not %d", f.Name, MaxFunnelSteps, len(f.Steps))
		}
		for _, s := range f.Steps {
			if !names[s] {
				return t, fmt.Errorf("funnel %q: step %q is not a goal", f.Name, s)
			}
		}
	}
	// Every site named anywhere gets its own set; the rest share all's.
	sites := map[string]bool{}
	for _, g := range goals {
		for _, s := range g.Sites {
			sites[s] = true
		}
	}
	for _, f := range funnels {
		for _, s := range f.Sites {
			sites[s] = true
		}
	}
	for _, p := range props {
		for _, s := range p.Sites {
			sites[s] = true
		}
	}
	build := func(site string) (*siteGoals, error) {
		applies := func(list []string) bool { return list == nil || site != "" && slices.Contains(list, site) }
		sg := &siteGoals{}
		idx := map[string]int{}
		for _, g := range goals {
			if !applies(g.Sites) {
				continue
			}
			m := goalMatcher{name: g.Name, event: g.Event, value: g.Value}
			if g.Property != "" {
				m.ep, m.epn = "ep."+g.Property, "epn."+g.Property
			}
			if g.Page != "" {
				m.page, _ = parsePattern(g.Page)
			}
			idx[g.Name] = len(sg.goals)
			sg.goals = append(sg.goals, m)
		}
		for _, f := range funnels {
			if !applies(f.Sites) {
				continue
			}
			fs := funnelSteps{name: f.Name}
			for _, s := range f.Steps {
				i, ok := idx[s]
				if !ok {
					where := "every site"
					if site != "" {
						where = site
					}
					return nil, fmt.Errorf("funnel %q: step %q does not apply to %s, where the funnel does", f.Name, s, where)
				}
				fs.steps = append(fs.steps, i)
				fs.labels = append(fs.labels, strconv.Itoa(len(fs.steps)))
			}
			sg.funnels = append(sg.funnels, fs)
		}
		if len(sg.goals) > MaxGoals {
			return nil, fmt.Errorf("%d goals apply to %s; at most %d", len(sg.goals), orEvery(site), MaxGoals)
		}
		if len(sg.funnels) > MaxFunnels {
			return nil, fmt.Errorf("%d funnels apply to %s; at most %d", len(sg.funnels), orEvery(site), MaxFunnels)
		}
		for _, p := range props {
			if applies(p.Sites) {
				sg.props = append(sg.props, compileProperty(p))
			}
		}
		if len(sg.props) > MaxProperties {
			return nil, fmt.Errorf("%d event properties apply to %s; at most %d", len(sg.props), orEvery(site), MaxProperties)
		}
		if len(sg.goals) == 0 && len(sg.props) == 0 {
			return nil, nil
		}
		return sg, nil
	}
	var err error
	if t.all, err = build(""); err != nil {
		return t, err
	}
	t.sites = map[string]*siteGoals{}
	for s := range sites {
		if t.sites[s], err = build(s); err != nil {
			return t, err
		}
	}
	return t, nil
}

func orEvery(site string) string {
	if site == "" {
		return "every site"
	}
	return site
}

func checkName(s string) error {
	if len(s) == 0 || len(s) > maxEventName {
		return errors.New("a name is 1 to 40 of a-z, 0-9, _ and -")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return errors.New("a name is 1 to 40 of a-z, 0-9, _ and -")
		}
	}
	return nil
}

// parsePattern splits a path pattern into its segments: "/blog/*" →
// ["blog", "*"]. It must start with /; a trailing slash is dropped, as
// dims.Path drops it from the paths it is matched against.
func parsePattern(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") || len(p) > 200 {
		return nil, fmt.Errorf("page %q: a pattern is a path that starts with / (at most 200 bytes)", p)
	}
	if p = strings.TrimSuffix(p, "/"); p == "" {
		return []string{""}, nil
	}
	segs := strings.Split(p[1:], "/")
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("page %q: empty path segment", p)
		}
		if strings.Contains(s, "**") && s != "**" {
			return nil, fmt.Errorf("page %q: ** must be a whole segment", p)
		}
	}
	return segs, nil
}

// matchPath reports whether path (as dims.Path gives it: starts with /)
// matches the pattern's segments.
func matchPath(pat []string, path string) bool {
	if !strings.HasPrefix(path, "/") {
		return false
	}
	return matchSegs(pat, strings.Split(path[1:], "/"))
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := len(segs); i >= 0; i-- {
				if matchSegs(rest, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 || !matchSeg(pat[0], segs[0]) {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// matchSeg matches one segment with * as any run of characters.
func matchSeg(pat, s string) bool {
	star := strings.IndexByte(pat, '*')
	if star < 0 {
		return pat == s
	}
	if !strings.HasPrefix(s, pat[:star]) {
		return false
	}
	rest := pat[star+1:]
	for i := star; i <= len(s); i++ {
		if matchSeg(rest, s[i:]) {
			return true
		}
	}
	return false
}

// matched returns the set of sg's goals a hit reaches: an event goal by
// its event name, a page goal by a page view's path.
func (sg *siteGoals) matched(event, path string, pageView bool, ps consentproxy.ParamSource, idx int) uint64 {
	var m uint64
	for i := range sg.goals {
		g := &sg.goals[i]
		if g.page == nil {
			if g.event == event && (g.ep == "" || g.hasValue(ps, idx)) {
				m |= 1 << i
			}
		} else if pageView && matchPath(g.page, path) {
			m |= 1 << i
		}
	}
	return m
}

// hasValue reports whether the event's property is the goal's value.
func (g *goalMatcher) hasValue(ps consentproxy.ParamSource, i int) bool {
	if ps == nil {
		return false
	}
	v, ok := ps.Param(i, g.ep)
	if !ok {
		v, ok = ps.Param(i, g.epn)
	}
	return ok && strings.EqualFold(strings.TrimSpace(v), g.value)
}

// visitDims are the goals rows' dimensions but the goal: the visit's
// channel, utm_source, utm_campaign and entry page, as its start rows hold
// them (canonical copies, so a goal row allocates no string).
func (s *session) visitDims(goal string) dimKey {
	src := s.start[sSources].key.d
	return dimKey{goal, src[1], src[2], src[4], s.start[sEntry].key.d[0]}
}

// countVisit counts the visit in its goals rows that every site has: at
// its first hit in an hour, its visitor in that hour's "(visits)" row
// (Visits+1 once per visit), and at its first forwarded hit in an hour,
// in the "(ga4)" row: the visitors GA4 received, of those counted. The
// caller holds sh.mu; s.cur is the hit's hour.
func (a *Aggregator) countVisit(sh *shard, s *session, dk *dayKeys, base uint64, hour int64, firstInHour, forwarded bool) {
	if !firstInHour && (!forwarded || s.flags&visitGA4HourSet != 0) {
		return
	}
	h := dk.tableHash(tGoals, base)
	count := func(goal string, once uint8) {
		r := sh.row(a.reg, tGoals, s.site(), hour, s.visitDims(goal))
		if s.flags&once == 0 {
			s.flags |= once
			r.m.Visits++
		}
		r.vis.add(h)
		sh.touch(r)
	}
	if firstInHour {
		count(consentproxy.GoalAll, visitCounted)
	}
	if forwarded && s.flags&visitGA4HourSet == 0 {
		s.flags |= visitGA4HourSet
		count(consentproxy.GoalGA4, visitGA4)
	}
}

// countGoals counts the goals and funnel steps one countable hit reaches.
// The caller holds sh.mu; s.cur is the hit's hour.
func (a *Aggregator) countGoals(sh *shard, s *session, sg *siteGoals, o *consentproxy.Observation, dk *dayKeys, base uint64, hour int64, event, path string, pv int64) {
	g := a.reg
	site := s.site()
	m := sg.matched(event, path, pv == 1, o.Params, o.Index)
	if m == 0 {
		return
	}
	h := dk.tableHash(tGoals, base)
	for i := range sg.goals {
		if m&(1<<i) == 0 {
			continue
		}
		r := sh.row(g, tGoals, site, hour, s.visitDims(sg.goals[i].name))
		r.m.Events++
		if s.goals&(1<<i) == 0 {
			s.goals |= 1 << i
			r.m.Visits++
		}
		r.vis.add(h)
		sh.touch(r)
	}
	fh := uint64(0)
	for j := range sg.funnels {
		f := &sg.funnels[j]
		p := int(s.funnel[j])
		if p >= len(f.steps) || m&(1<<f.steps[p]) == 0 {
			continue
		}
		s.funnel[j]++
		if fh == 0 {
			fh = dk.tableHash(tFunnels, base)
		}
		r := sh.row(g, tFunnels, site, hour, dimKey{f.name, f.labels[p], sg.goals[f.steps[p]].name})
		r.m.Visits++
		r.vis.add(fh)
		sh.touch(r)
	}
}

// CheckGoals reports what New would refuse in goals and funnels, so that
// a configuration is checked before anything starts.
func CheckGoals(goals []Goal, funnels []Funnel, props []Property) error {
	_, err := compileGoals(goals, funnels, props)
	return err
}
