package web

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestLanding: the page's one inline style and one inline script are the
// ones its CSP allows by hash (so the browser runs them and nothing else),
// settings and notes are escaped, and the dashboard link is marked for
// the sign-in fragment.
func TestLanding(t *testing.T) {
	h, err := Landing{
		Version:  "v1.2.3",
		Settings: [][2]string{{"Store", "<chdb>"}},
		Links:    [][2]string{{"Dashboard", DashboardPath}, {"Health", "/healthz"}},
		Notes:    []string{"a <b>note</b>"},
	}.Handler()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Get("/", h)
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	page, csp := string(b), resp.Header.Get("Content-Security-Policy")
	for _, tag := range []string{"style", "script"} {
		m := regexp.MustCompile(`(?s)<`+tag+`>(.*?)</`+tag+`>`).FindAllStringSubmatch(page, -1)
		if len(m) != 1 {
			t.Fatalf("%d inline %s elements, want 1", len(m), tag)
		}
		if want := tag + "-src " + cspHash(m[0][1]); !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q: the browser would refuse the page's own %s", csp, want, tag)
		}
	}
	for _, want := range []string{`&lt;chdb&gt;`, `a &lt;b&gt;note&lt;/b&gt;`, `<a href="/dashboard" data-dashboard>`, `v1.2.3`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, `href="/healthz" data-dashboard`) {
		t.Error("a link other than the dashboard's is marked for the sign-in fragment")
	}
}
