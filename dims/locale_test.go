package dims

import (
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	cases := map[string]string{
		"en-US":                   "en",
		"en-us":                   "en",
		"EN":                      "en",
		"de":                      "de",
		"de-CH,de;q=0.9,en;q=0.8": "de",
		"fr;q=0.9":                "fr",
		" pt-BR ":                 "pt",
		"zh_Hant_TW":              "zh",
		"zh-TW":                   "zh",
		"fil-PH":                  "fil",
		"gsw":                     "gsw",
		"":                        "",
		"*":                       "",
		"e":                       "",
		"i-klingon":               "",
		"x-private":               "",
		"und":                     "",
		"qaa":                     "",
		"english":                 "",
		"e1":                      "",
		"ру":                      "",
		"-en":                     "",
	}
	for in, want := range cases {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountry(t *testing.T) {
	cases := map[string]string{
		"DE": "DE", "de": "DE", " us ": "US", "Gb": "GB", "UK": "GB", "XK": "XK",
		"XX": "", "T1": "", "ZZ": "", "A1": "", "A2": "", "O1": "", "EU": "", "AP": "",
		"": "", "D": "", "DEU": "", "1A": "", "é": "", "--": "",
	}
	for in, want := range cases {
		if got := Country(in); got != want {
			t.Errorf("Country(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountryList(t *testing.T) {
	b, err := dataFS.ReadFile("data/countries.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		if Country(line) != line {
			t.Errorf("countries.txt entry %q not accepted", line)
		}
	}
	if n != 250 { // 249 assigned + XK
		t.Errorf("countries.txt has %d codes, want 250", n)
	}
}

func TestLocaleDoesNotAllocate(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Country("de"); _ = Language("en-US,en;q=0.9") }); n != 0 {
		t.Errorf("allocates %.0f times", n)
	}
}
