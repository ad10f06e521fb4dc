// Package i18n holds the texts of the consent banner and the opt-out page in
// eight languages, the merge of a site owner's overrides, and the choice of a
// visitor's language. It is plain data: the consent handlers serve it, the
// banner script only ever receives the one language it asked for.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed texts/*.json
var files embed.FS

// Texts maps a language tag (lower case: "en", "pt-br") to its texts by key.
// The key set is fixed by the English texts; see Keys.
type Texts map[string]map[string]string

// Default is the language every other one falls back to, key by key.
const Default = "en"

// AllLanguages in an override applies its texts to every language first, so a
// site renames, say, "privacy_link" once rather than eight times.
const AllLanguages = "*"

// maxText bounds one text: long enough for a paragraph, short enough that a
// config typo cannot bloat every banner.
const maxText = 1000

var builtin = mustLoad()

// mustLoad parses the embedded texts. They are part of the program, not
// input, and TestBuiltin holds them to the rules Merge enforces.
func mustLoad() Texts {
	t := Texts{}
	entries, err := files.ReadDir("texts")
	if err != nil {
		panic("i18n: " + err.Error())
	}
	for _, e := range entries {
		b, err := files.ReadFile("texts/" + e.Name())
		if err != nil {
			panic("i18n: " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic("i18n: " + e.Name() + ": " + err.Error())
		}
		t[strings.TrimSuffix(e.Name(), path.Ext(e.Name()))] = m
	}
	return t
}

// Builtin returns a fresh copy of the shipped texts: en de fr es it nl pl pt.
func Builtin() Texts { return builtin.clone() }

// Languages lists the shipped languages, sorted.
func Languages() []string { return builtin.Languages() }

// Keys lists every text key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(builtin[Default]))
	for k := range builtin[Default] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Languages lists t's languages, sorted.
func (t Texts) Languages() []string {
	out := make([]string, 0, len(t))
	for l := range t {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func (t Texts) clone() Texts {
	c := make(Texts, len(t))
	for l, m := range t {
		cm := make(map[string]string, len(m))
		for k, v := range m {
			cm[k] = v
		}
		c[l] = cm
	}
	return c
}

// Merge returns a copy of base with override applied: first the texts under
// AllLanguages ("*") to every language, then each language's own. A language
// that base lacks is added, with every text it does not give taken from
// base's Default language. Tags are lower-cased ("pt-BR" becomes "pt-br").
//
// Merge refuses, naming the culprit, an unknown key (a typo would otherwise be
// silently ignored), a malformed language tag, and a text that is empty, over
// 1000 bytes, not UTF-8 or holds control characters. Texts are always
// rendered as text, never as HTML, so markup in them shows literally.
func Merge(base, override Texts) (Texts, error) {
	out := base.clone()
	def, ok := out[Default]
	if !ok {
		return nil, fmt.Errorf("merge texts: base has no %q texts", Default)
	}
	if all, ok := override[AllLanguages]; ok {
		if err := check(AllLanguages, all, def); err != nil {
			return nil, err
		}
		for _, m := range out {
			for k, v := range all {
				m[k] = v
			}
		}
		def = out[Default]
	}
	langs := make([]string, 0, len(override))
	for l := range override {
		if l != AllLanguages {
			langs = append(langs, l)
		}
	}
	sort.Strings(langs) // deterministic errors and results when two spellings collide
	for _, l := range langs {
		m := override[l]
		tag := strings.ToLower(l)
		if !validTag(tag) {
			return nil, fmt.Errorf("merge texts: %q is not a language tag such as de or pt-br", l)
		}
		if err := check(l, m, def); err != nil {
			return nil, err
		}
		dst, ok := out[tag]
		if !ok {
			dst = make(map[string]string, len(def))
			for k, v := range def {
				dst[k] = v
			}
			if all, ok := override[AllLanguages]; ok {
				for k, v := range all {
					dst[k] = v
				}
			}
			out[tag] = dst
		}
		for k, v := range m {
			dst[k] = v
		}
	}
	return out, nil
}

func check(lang string, m, known map[string]string) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := known[k]; !ok {
			return fmt.Errorf("merge texts: %s: unknown key %q (known: %s)", lang, k, strings.Join(Keys(), ", "))
		}
		if err := validText(m[k]); err != nil {
			return fmt.Errorf("merge texts: %s.%s: %w", lang, k, err)
		}
	}
	return nil
}

func validText(v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("empty text")
	case len(v) > maxText:
		return fmt.Errorf("text of %d bytes, at most %d", len(v), maxText)
	case !utf8.ValidString(v):
		return fmt.Errorf("text is not UTF-8")
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return fmt.Errorf("control character %U in text", r)
		}
	}
	return nil
}

// For returns lang's texts, or Default's when t lacks lang. The map is
// shared: callers must not modify it.
func (t Texts) For(lang string) map[string]string {
	if m, ok := t[lang]; ok {
		return m
	}
	return t[Default]
}
