package i18n

import (
	"strings"
	"testing"
)

// TestBuiltin holds the shipped texts to the rules Merge enforces on site
// owners, and to completeness: every language has every key.
func TestBuiltin(t *testing.T) {
	b := Builtin()
	want := []string{"de", "en", "es", "fr", "it", "nl", "pl", "pt"}
	if got := strings.Join(b.Languages(), " "); got != strings.Join(want, " ") {
		t.Fatalf("languages %q, want %q", got, want)
	}
	keys := Keys()
	if len(keys) < 20 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, lang := range want {
		if len(b[lang]) != len(keys) {
			t.Errorf("%s has %d texts, en has %d", lang, len(b[lang]), len(keys))
		}
		for _, k := range keys {
			if err := validText(b[lang][k]); err != nil {
				t.Errorf("%s.%s: %v", lang, k, err)
			}
			if lang != Default && b[lang][k] == b[Default][k] && k != "marketing" {
				t.Errorf("%s.%s is still the English text", lang, k)
			}
		}
	}
	// The contract names this notice text.
	if b[Default]["notice"] != "Your browser's privacy signal is honoured." {
		t.Errorf("notice = %q", b[Default]["notice"])
	}
	// Builtin hands out copies: a caller cannot change the next caller's texts.
	b["en"]["accept"] = "changed"
	if Builtin()["en"]["accept"] == "changed" {
		t.Fatal("Builtin shares its maps")
	}
}

func TestMerge(t *testing.T) {
	for _, tt := range []struct {
		name     string
		override Texts
		check    map[string]string // "lang.key" → want
		err      string
	}{
		{name: "nil", check: map[string]string{"de.accept": "Alle akzeptieren"}},
		{name: "one text", override: Texts{"de": {"accept": "Einverstanden"}},
			check: map[string]string{"de.accept": "Einverstanden", "de.reject": "Alle ablehnen", "en.accept": "Accept all"}},
		{name: "all languages, then one", override: Texts{"*": {"privacy_link": "Privacy"}, "fr": {"privacy_link": "Vie privée"}},
			check: map[string]string{"de.privacy_link": "Privacy", "pl.privacy_link": "Privacy", "fr.privacy_link": "Vie privée"}},
		{name: "new language from English plus *", override: Texts{"*": {"title": "Cookies?"}, "sv": {"accept": "Acceptera alla"}},
			check: map[string]string{"sv.accept": "Acceptera alla", "sv.reject": "Reject all", "sv.title": "Cookies?"}},
		{name: "tag lower-cased", override: Texts{"pt-BR": {"save": "Salvar"}},
			check: map[string]string{"pt-br.save": "Salvar", "pt.save": "Guardar escolhas"}},
		{name: "markup stays text", override: Texts{"en": {"title": "<b>Hi</b>"}}, check: map[string]string{"en.title": "<b>Hi</b>"}},
		{name: "unknown key", override: Texts{"de": {"acept": "x"}}, err: `unknown key "acept"`},
		{name: "unknown key under *", override: Texts{"*": {"x": "y"}}, err: `unknown key "x"`},
		{name: "bad tag", override: Texts{"deutsch!": {"accept": "x"}}, err: "not a language tag"},
		{name: "one-letter tag", override: Texts{"d": {"accept": "x"}}, err: "not a language tag"},
		{name: "empty text", override: Texts{"de": {"accept": "  "}}, err: "empty text"},
		{name: "control character", override: Texts{"de": {"accept": "a\x00b"}}, err: "control character"},
		{name: "newline", override: Texts{"de": {"accept": "a\nb"}}, err: "control character"},
		{name: "too long", override: Texts{"de": {"description": strings.Repeat("x", 1001)}}, err: "at most 1000"},
		{name: "not utf-8", override: Texts{"de": {"accept": "\xff"}}, err: "not UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := Builtin()
			got, err := Merge(base, tt.override)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for path, want := range tt.check {
				lang, key, _ := strings.Cut(path, ".")
				if got[lang][key] != want {
					t.Errorf("%s = %q, want %q", path, got[lang][key], want)
				}
			}
			for lang, m := range got {
				if len(m) != len(Keys()) {
					t.Errorf("%s has %d texts after merge", lang, len(m))
				}
			}
			if base["de"]["accept"] != "Alle akzeptieren" {
				t.Fatal("Merge modified its base")
			}
		})
	}
	if _, err := Merge(Texts{"de": {}}, nil); err == nil {
		t.Fatal("a base without English merged")
	}
}

func TestPick(t *testing.T) {
	texts, err := Merge(Builtin(), Texts{"pt-br": {"save": "Salvar"}, "zh-hant": {"accept": "全部接受"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ list, want string }{
		{"", "en"},
		{"de", "de"},
		{"de-AT,de;q=0.9,en;q=0.8", "de"},
		{"DE-at", "de"},
		{"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr"},
		{"sv-SE,sv;q=0.9,nl;q=0.8", "nl"},
		{"sv, da", "en"},
		{"en;q=0.5, it", "it"},
		{"it;q=0.5, es;q=0.5", "it"},
		{"pl;q=0, es;q=0.1", "es"},
		{"pt-BR", "pt-br"},
		{"pt-PT", "pt"},
		{"zh-Hant-TW", "zh-hant"}, // no zh: the served variant of the same primary subtag
		{"zh-hant", "zh-hant"},
		{"zh", "zh-hant"},
		{"*", "en"},
		{"es,bogus!!,fr", "es"},
		{"x;q=1, nl;q=abc, it;q=0.3", "it"},
		{"de;q=1.001, fr;q=0.2", "fr"},
		{"es-419", "es"},
		{"de, " + strings.Repeat("x,", 2000) + "fr;q=1", "de"},
	} {
		if got := texts.Pick(tt.list); got != tt.want {
			t.Errorf("Pick(%.60q) = %q, want %q", tt.list, got, tt.want)
		}
	}
}

// FuzzPick: any list picks a served language, and never one the list did
// not ask for (beyond the default).
func FuzzPick(f *testing.F) {
	for _, s := range []string{"de-AT,de;q=0.9,en;q=0.8", "*;q=0", "pt-BR,pt;q=0.5", "fr;q=0.", ";;,,q=", "es-419;q=1.000"} {
		f.Add(s)
	}
	texts := Builtin()
	f.Fuzz(func(t *testing.T, list string) {
		got := texts.Pick(list)
		if _, ok := texts[got]; !ok {
			t.Fatalf("Pick(%q) = %q, not a served language", list, got)
		}
		if got != Default && !strings.Contains(strings.ToLower(list), got) {
			t.Fatalf("Pick(%q) = %q, which the list does not name", list, got)
		}
	})
}
