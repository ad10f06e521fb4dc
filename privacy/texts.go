package privacy

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed texts/*.json
var files embed.FS

// DefaultLanguage is the language served when no other one fits.
const DefaultLanguage = "en"

// texts maps a language to its texts by key. Texts are plain text with
// {name} placeholders; they never hold markup, so every renderer escapes
// them the same way.
var texts = mustLoad()

// mustLoad parses the embedded texts. They are part of the program, not
// input; TestTexts holds every language to the English key set.
func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	entries, err := files.ReadDir("texts")
	if err != nil {
		panic("privacy: " + err.Error())
	}
	for _, e := range entries {
		b, err := files.ReadFile("texts/" + e.Name())
		if err != nil {
			panic("privacy: " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic("privacy: " + e.Name() + ": " + err.Error())
		}
		out[strings.TrimSuffix(e.Name(), path.Ext(e.Name()))] = m
	}
	return out
}

// Languages lists the languages the notice is written in, sorted.
func Languages() []string {
	out := make([]string, 0, len(texts))
	for l := range texts {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// lang is one language's texts with the formatting that goes with them.
type lang struct {
	code string
	m    map[string]string
	// missing collects keys this language lacks, for TestTexts.
	missing map[string]bool
}

func newLang(code string) (*lang, error) {
	m, ok := texts[code]
	if !ok {
		return nil, fmt.Errorf("privacy notice: no texts for language %q (have %s)", code, strings.Join(Languages(), ", "))
	}
	return &lang{code: code, m: m, missing: map[string]bool{}}, nil
}

// s is the text of key; a missing key is a bug that TestTexts catches, so
// it shows as the key rather than failing a visitor's request.
func (l *lang) s(key string) string {
	if v, ok := l.m[key]; ok {
		return v
	}
	l.missing[key] = true
	if v, ok := texts[DefaultLanguage][key]; ok {
		return v
	}
	return key
}

// p fills key's {name} placeholders with inline values, given as name,
// value pairs. Unknown placeholders stay as they are.
func (l *lang) p(key string, args ...any) para {
	vals := map[string]para{}
	for i := 0; i+1 < len(args); i += 2 {
		name := args[i].(string)
		switch v := args[i+1].(type) {
		case string:
			vals[name] = para{{Text: v}}
		case inline:
			vals[name] = para{v}
		case para:
			vals[name] = v
		default:
			vals[name] = para{{Text: fmt.Sprint(v)}}
		}
	}
	var out para
	s := l.s(key)
	for s != "" {
		i := strings.IndexByte(s, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i:], '}')
		}
		if i < 0 || j < 0 {
			out = append(out, inline{Text: s})
			break
		}
		v, ok := vals[s[i+1:i+j]]
		if !ok {
			out = append(out, inline{Text: s[:i+j+1]})
			s = s[i+j+1:]
			continue
		}
		if i > 0 {
			out = append(out, inline{Text: s[:i]})
		}
		out = append(out, v...)
		s = s[i+j+1:]
	}
	return out.merge()
}

// duration says d in the largest unit that divides it: months of 1/12 of
// 365.25 days (how --retention counts them), years of 365 days (how Google
// states its cookies' two years), then days, hours, minutes, seconds.
func (l *lang) duration(d time.Duration) string {
	month := time.Duration(365.25 * 24 / 12 * float64(time.Hour))
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{month, "month"}, {365 * 24 * time.Hour, "year"}, {24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}} {
		if d >= u.unit && d%u.unit == 0 {
			return l.count(int64(d/u.unit), u.name)
		}
	}
	return l.count(int64(d/time.Second), "second")
}

// count says "1 day" or "n days" (the languages here have two forms).
func (l *lang) count(n int64, unit string) string {
	form := "other"
	if n == 1 {
		form = "one"
	}
	return strings.ReplaceAll(l.s("unit."+unit+"."+form), "{n}", strconv.FormatInt(n, 10))
}

// codes renders values as code spans separated by commas.
func codes(vs []string) para {
	var out para
	for i, v := range vs {
		if i > 0 {
			out = append(out, inline{Text: ", "})
		}
		out = append(out, inline{Text: v, Code: true})
	}
	return out
}
