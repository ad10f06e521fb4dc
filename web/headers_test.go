package web

import "testing"

func TestETagMatch(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   bool
	}{
		{`"a"`, true}, {`W/"a"`, true}, {` "x" , "b"`, true}, {`*`, true},
		{`"c"`, false}, {`a`, false}, {``, false}, {`"a`, false},
	} {
		if got := ETagMatch(tt.header, `"a"`, `"b"`); got != tt.want {
			t.Errorf("ETagMatch(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestQuality(t *testing.T) {
	for params, want := range map[string]int{
		"": 1000, ";q=0": 0, ";q=1": 1000, ";q=0.5": 500, "; Q = 0.875 ": 875, ";level=1;q=0.25": 250, ";q=1.000": 1000,
		";q=1.5": -1, ";q=2": -1, ";q=0.5555": -1, ";q=.5": -1, ";q=": -1, ";q=0,5": -1,
	} {
		q, ok := Quality(params)
		if want < 0 {
			if ok {
				t.Errorf("Quality(%q) accepted as %d", params, q)
			}
			continue
		}
		if !ok || q != want {
			t.Errorf("Quality(%q) = %d %v, want %d", params, q, ok, want)
		}
	}
}
