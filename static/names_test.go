package static

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestScriptNames holds the banner's source to the names the privacy notice
// lists: every cookie the script writes by name, every storage key, and the
// link to the proxy's notice. A new cookie in the script fails here until
// it has a constant, and so a row in the notice.
func TestScriptNames(t *testing.T) {
	b, err := sources.ReadFile("src/consent.js")
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	found := func(re string) []string {
		set := map[string]bool{}
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(js, -1) {
			set[m[1]] = true
		}
		var out []string
		for k := range set {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	// Cookies written with a literal name; clearGa's loop writes only names
	// it read back starting with _ga (Google's), which the notice lists
	// as Google's.
	if got := found(`d\.cookie = '([A-Za-z0-9_]+)=`); strings.Join(got, ",") != RevisionCookie {
		t.Errorf("the script writes cookies %q, the notice knows %q", got, RevisionCookie)
	}
	if !strings.Contains(js, "if (n.indexOf('_ga') !== 0) continue") {
		t.Error("clearGa no longer limits itself to _ga cookies")
	}
	storage := found(`(?:store|localStorage\.(?:get|set)Item)\('([A-Za-z0-9_]+)'`)
	if want := []string{NoticeKey}; strings.Join(storage, ",") != strings.Join(want, ",") {
		t.Errorf("the script uses storage keys %q, the notice knows %q", storage, want)
	}
	if strings.Contains(js, "sessionStorage") || !strings.Contains(js, "localStorage.setItem('"+NoticeKey+"'") {
		t.Error("storage kinds changed: update the notice's StorageEntry kinds")
	}
	a := mustAssets(t)
	if !strings.Contains(string(a.Script.Raw), `"`+NoticePath+`"`) {
		t.Errorf("the minified script does not link to %s", NoticePath)
	}
}
