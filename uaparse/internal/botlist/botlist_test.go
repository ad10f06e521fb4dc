package botlist

import "testing"

func TestAndroidModel(t *testing.T) {
	for _, c := range []struct{ ua, want string }{
		{"mozilla/5.0 (linux; android 4.4.2; gm discovery ii) applewebkit/537.36", "gm discovery ii"},
		{"mozilla/5.0 (linux; android 8.1.0; xbot_senior build/o11019) applewebkit/537.36", "xbot_senior"},
		{"mozilla/5.0 (linux; u; android 5.0.2; zh-cn; redmi note 2 build/lrx22g) applewebkit/534.30", "redmi note 2"},
		{"mozilla/5.0 (linux; android 10; k) applewebkit/537.36", "k"},
		{"mozilla/5.0 (linux; android 10) applewebkit/537.36", ""},
		{"mozilla/5.0 (windows nt 10.0; win64; x64) applewebkit/537.36", ""},
	} {
		s, e := AndroidModel([]byte(c.ua))
		got := ""
		if e >= s {
			got = c.ua[s:e]
		}
		if got != c.want {
			t.Errorf("AndroidModel(%q) = %q, want %q", c.ua, got, c.want)
		}
	}
}

// TestModelIsNoBot: a bot word inside the model is ignored, the same word
// after it (a bot's own token) still counts.
func TestModelIsNoBot(t *testing.T) {
	s, err := Compile("[crawler]\n*bot\ndiscovery*\n", PrioLocal)
	if err != nil {
		t.Fatal(err)
	}
	for ua, want := range map[string]string{
		"mozilla/5.0 (linux; android 8.1.0; xbot_senior build/o11019) applewebkit/537.36 chrome/65.0 mobile safari/537.36":                          "",
		"mozilla/5.0 (linux; android 4.4.2; gm discovery ii) applewebkit/537.36 chrome/81.0 mobile safari/537.36":                                   "",
		"mozilla/5.0 (linux; android 6.0.1; nexus 5x build/mmb29p) applewebkit/537.36 chrome/41.0 mobile safari/537.36 (compatible; googlebot/2.1)": "crawler",
		"discoverybot/2.0 (linux; android 9; k)": "crawler",
	} {
		if got := s.Match([]byte(ua)); got != want {
			t.Errorf("Match(%q) = %q, want %q", ua, got, want)
		}
	}
}
