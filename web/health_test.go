package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// TestReadyzDeadline: a check that ignores its context (as a driver stuck
// dialling a server that never answers does) cannot hold /readyz past its
// deadline; it is reported failing, the other checks as they are.
func TestReadyzDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	app, _ := NewApp(Config{})
	Health(app, map[string]Check{
		"stuck":  func(context.Context) error { <-release; return nil },
		"ok":     func(context.Context) error { return nil },
		"broken": func(context.Context) error { return errors.New("down") },
	})
	start := time.Now()
	resp, err := app.Test(httptest.NewRequest("GET", "/readyz", nil), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	b, _ := io.ReadAll(resp.Body)
	var got map[string]string
	json.Unmarshal(b, &got)
	want := map[string]string{"stuck": "failing", "ok": "ok", "broken": "failing"}
	if resp.StatusCode != 503 || !reflect.DeepEqual(got, want) {
		t.Errorf("/readyz: %d %s, want 503 %v", resp.StatusCode, b, want)
	}
	if took < readyTimeout || took > readyTimeout+time.Second {
		t.Errorf("/readyz took %v, want about %v", took, readyTimeout)
	}

	app, _ = NewApp(Config{})
	Health(app, map[string]Check{"a": func(context.Context) error { return nil }, "b": func(context.Context) error { return nil }})
	resp, err = app.Test(httptest.NewRequest("GET", "/readyz", nil), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != `{"a":"ok","b":"ok"}` {
		t.Errorf("/readyz with every check passing: %d %s", resp.StatusCode, b)
	}
}
