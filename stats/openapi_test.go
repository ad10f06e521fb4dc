package stats

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestOpenAPIMatchesHandlers walks the routes Register mounts and the
// embedded document: same paths and methods, and every enum in the
// document equals the list the code validates against.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Enum       []string                   `json:"enum"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q; want 3.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	app := fiber.New()
	api, err := New(Config{Store: nilStore{}})
	if err != nil {
		t.Fatal(err)
	}
	api.Register(app)
	var registered []string
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead {
			continue // Fiber adds HEAD for every GET
		}
		registered = append(registered, r.Method+" "+r.Path)
	}
	sort.Strings(documented)
	sort.Strings(registered)
	want := slices.Clone(Routes)
	sort.Strings(want)
	if !slices.Equal(documented, registered) || !slices.Equal(registered, want) {
		t.Errorf("routes: documented %q, registered %q, Routes %q", documented, registered, want)
	}

	schemas := doc.Components.Schemas
	if got := schemas["Metric"].Enum; !slices.Equal(got, Metrics) {
		t.Errorf("Metric enum %q; code %q", got, Metrics)
	}
	if got, want := schemas["Dimension"].Enum, append(slices.Clone(TimeDimensions), Dimensions...); !slices.Equal(got, want) {
		t.Errorf("Dimension enum %q; code %q", got, want)
	}
	var dr struct {
		OneOf []struct {
			Enum []string `json:"enum"`
		} `json:"oneOf"`
	}
	if err := json.Unmarshal(schemas["Query"].Properties["date_range"], &dr); err != nil || len(dr.OneOf) == 0 || !slices.Equal(dr.OneOf[0].Enum, Periods) {
		t.Errorf("date_range periods %+v (%v); code %q", dr, err, Periods)
	}
	// The Query schema's properties are exactly the JSON fields ParseJSON takes.
	var props []string
	for p := range schemas["Query"].Properties {
		props = append(props, p)
	}
	sort.Strings(props)
	var fields []string
	qt := reflect.TypeFor[Query]()
	for i := range qt.NumField() {
		name, _, _ := strings.Cut(qt.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
	}
	sort.Strings(fields)
	if !slices.Equal(props, fields) {
		t.Errorf("Query properties %q; want %q", props, fields)
	}
	// And the served document is the embedded one.
	resp, err := app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("GET openapi.json: %v %+v", err, resp)
	}
}
