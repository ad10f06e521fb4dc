package dashboard

import (
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/apitoken"
)

// FuzzDecode feeds arbitrary cookie values to the session parser: it must
// never panic, and whatever it accepts must carry a grant and an id and
// encode back to a value that decodes to the same session.
func FuzzDecode(f *testing.F) {
	d := &Dashboard{cfg: Config{Secret: []byte("fuzz-secret-0123456789"), Now: func() time.Time { return time.Unix(1_800_000_000, 0) }}}
	good, err := d.encode(session{ID: "abc", Grant: apitoken.Grant{Name: "n", Sites: []string{"G-1"}}, Expires: 1_900_000_000})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add(".")
	f.Add("e30.AAAA")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := d.decode(v)
		if err != nil {
			return
		}
		if s.ID == "" || s.Grant.Name == "" {
			t.Fatalf("accepted %q without id or grant: %+v", v, s)
		}
		again, err := d.encode(s)
		if err != nil {
			t.Fatal(err)
		}
		if s2, err := d.decode(again); err != nil || s2.ID != s.ID || s2.Grant.Name != s.Grant.Name {
			t.Fatalf("re-encoded %+v does not decode back: %v", s, err)
		}
	})
}
