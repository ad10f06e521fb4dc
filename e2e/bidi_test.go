package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"golang.org/x/net/websocket"
)

// A minimal WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/),
// enough to drive Firefox ESR without geckodriver (firefox_launch_test.go).
// Why not a library: chromedp speaks CDP only, and the handful of commands
// the banner tests need fit in one file. x/net/websocket because x/net is
// already a dependency; chromedp talks to Chromium over a pipe and brings
// no WebSocket library into the module graph.

// bidi is one WebDriver BiDi connection: commands by id, events to a callback.
type bidi struct {
	ws      *websocket.Conn
	onEvent func(method string, params json.RawMessage)
	wmu     sync.Mutex // one frame written at a time

	mu      sync.Mutex
	next    int64
	pending map[int64]chan bidiMessage

	closed chan struct{}
	err    error // why the connection ended, set before closed is closed
}

// bidiMessage is a command's answer ("success" or "error") or an event.
type bidiMessage struct {
	Type    string          `json:"type"`
	ID      *int64          `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// bidiError is an error the browser answered a command with.
type bidiError struct{ Code, Message string }

func (e *bidiError) Error() string { return e.Code + ": " + e.Message }

// bidiOrigin is the Origin the client sends and Firefox is told to allow.
const bidiOrigin = "http://127.0.0.1"

// dialBiDi connects to a BiDi endpoint; onEvent runs on the reading
// goroutine, so it must not call back into the connection.
func dialBiDi(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*bidi, error) {
	cfg, err := websocket.NewConfig(url, bidiOrigin)
	if err != nil {
		return nil, fmt.Errorf("bidi %s: %w", url, err)
	}
	ws, err := cfg.DialContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("bidi dial %s: %w", url, err)
	}
	b := &bidi{ws: ws, onEvent: onEvent, pending: map[int64]chan bidiMessage{}, closed: make(chan struct{})}
	go b.read()
	return b, nil
}

// read hands each answer to the call waiting for it and each event to
// onEvent, until the connection ends.
func (b *bidi) read() {
	for {
		var data []byte
		if err := websocket.Message.Receive(b.ws, &data); err != nil {
			b.err = fmt.Errorf("bidi connection closed: %w", err)
			close(b.closed)
			return
		}
		var m bidiMessage
		if err := json.Unmarshal(data, &m); err != nil {
			continue // not BiDi: nothing waits for it
		}
		if m.Type == "event" {
			if b.onEvent != nil {
				b.onEvent(m.Method, m.Params)
			}
			continue
		}
		if m.ID == nil {
			continue // an error about a message that could not be parsed
		}
		b.mu.Lock()
		ch := b.pending[*m.ID]
		b.mu.Unlock()
		if ch != nil {
			ch <- m // buffered: one answer per id
		}
	}
}

func (b *bidi) close() { b.ws.Close() }

// call sends a command and decodes its result into result (unless nil),
// waiting no longer than ctx allows.
func (b *bidi) call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan bidiMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
	}()
	msg, err := json.Marshal(struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params"`
	}{id, method, params})
	if err != nil {
		return fmt.Errorf("bidi %s: %w", method, err)
	}
	b.wmu.Lock()
	d, _ := ctx.Deadline() // none: the zero time, no deadline
	b.ws.SetWriteDeadline(d)
	err = websocket.Message.Send(b.ws, string(msg)) // a string is a text frame, as BiDi requires
	b.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("bidi %s: send: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Type == "error" {
			return fmt.Errorf("bidi %s: %w", method, &bidiError{m.Error, m.Message})
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("bidi %s: decode result: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("bidi %s: %w", method, ctx.Err())
	case <-b.closed:
		return fmt.Errorf("bidi %s: %w", method, b.err)
	}
}

// newSession starts the session: insecure certificates accepted, since the
// test's network ends TLS with a self-signed one. It returns the version.
func (b *bidi) newSession(ctx context.Context) (string, error) {
	var r struct {
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	caps := map[string]any{"alwaysMatch": map[string]any{"acceptInsecureCerts": true}}
	if err := b.call(ctx, "session.new", map[string]any{"capabilities": caps}, &r); err != nil {
		return "", err
	}
	return r.Capabilities.BrowserVersion, nil
}

// bidiContext is a browsing context of browsingContext.getTree.
type bidiContext struct {
	Context     string `json:"context"`
	URL         string `json:"url"`
	UserContext string `json:"userContext"`
}

// tree describes the browsing context root, without its frames.
func (b *bidi) tree(ctx context.Context, root string) ([]bidiContext, error) {
	var r struct{ Contexts []bidiContext }
	err := b.call(ctx, "browsingContext.getTree", map[string]any{"root": root, "maxDepth": 0}, &r)
	return r.Contexts, err
}

// newUserContext makes a user context: a cookie jar and storage of its own,
// so each test starts as a first-time visitor without a new browser.
func (b *bidi) newUserContext(ctx context.Context) (string, error) {
	var r struct{ UserContext string }
	err := b.call(ctx, "browser.createUserContext", nil, &r)
	return r.UserContext, err
}

// removeUserContext closes a user context and its tabs.
func (b *bidi) removeUserContext(ctx context.Context, id string) error {
	return b.call(ctx, "browser.removeUserContext", map[string]any{"userContext": id}, nil)
}

// newTab opens a tab in userContext and returns its browsing context.
func (b *bidi) newTab(ctx context.Context, userContext string) (string, error) {
	var r struct{ Context string }
	err := b.call(ctx, "browsingContext.create", map[string]any{"type": "tab", "userContext": userContext}, &r)
	return r.Context, err
}

// setViewport sizes the page's viewport in CSS pixels, whatever the window.
func (b *bidi) setViewport(ctx context.Context, context string, width, height int) error {
	return b.call(ctx, "browsingContext.setViewport", map[string]any{
		"context": context, "viewport": map[string]int{"width": width, "height": height}}, nil)
}

// navigate loads url and returns after its load event.
func (b *bidi) navigate(ctx context.Context, context, url string) error {
	return b.call(ctx, "browsingContext.navigate", map[string]any{"context": context, "url": url, "wait": "complete"}, nil)
}

// addPreloadScript runs fn (a function declaration) in every new document
// before the page's own scripts; the page's CSP does not govern it.
func (b *bidi) addPreloadScript(ctx context.Context, fn string) (string, error) {
	var r struct{ Script string }
	err := b.call(ctx, "script.addPreloadScript", map[string]any{"functionDeclaration": fn}, &r)
	return r.Script, err
}

// remoteValue is a serialized JavaScript value.
type remoteValue struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// primitive decodes undefined and null (nil), strings, booleans, numbers
// (float64, NaN and infinities included) and bigints (their digits).
func (v remoteValue) primitive() (any, error) {
	switch v.Type {
	case "undefined", "null":
		return nil, nil
	case "string", "bigint":
		var s string
		err := json.Unmarshal(v.Value, &s)
		return s, err
	case "boolean":
		var x bool
		err := json.Unmarshal(v.Value, &x)
		return x, err
	case "number":
		var s string
		if json.Unmarshal(v.Value, &s) == nil { // the values JSON cannot hold
			switch s {
			case "NaN":
				return math.NaN(), nil
			case "-0":
				return math.Copysign(0, -1), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
		}
		var x float64
		err := json.Unmarshal(v.Value, &x)
		return x, err
	}
	return nil, fmt.Errorf("a %s is not a primitive: stringify it in the page", v.Type)
}

// evaluate runs expr in the page's realm, awaits it if it is a promise, and
// returns its primitive result; a thrown exception is an error.
func (b *bidi) evaluate(ctx context.Context, context, expr string) (any, error) {
	var r struct {
		Type             string      `json:"type"` // "success" or "exception"
		Result           remoteValue `json:"result"`
		ExceptionDetails struct {
			Text       string `json:"text"`
			LineNumber int    `json:"lineNumber"`
		} `json:"exceptionDetails"`
	}
	err := b.call(ctx, "script.evaluate", map[string]any{
		"expression": expr, "target": map[string]any{"context": context},
		"awaitPromise": true, "resultOwnership": "none", "userActivation": false,
	}, &r)
	if err != nil {
		return nil, err
	}
	if r.Type == "exception" {
		return nil, fmt.Errorf("script.evaluate: %w", &bidiError{"javascript error", r.ExceptionDetails.Text})
	}
	v, err := r.Result.primitive()
	if err != nil {
		return nil, fmt.Errorf("script.evaluate: %w", err)
	}
	return v, nil
}

// inputAction is one step of an input source; the fields unset for its
// type are left out.
type inputAction struct {
	Type   string `json:"type"`
	X      *int   `json:"x,omitempty"`
	Y      *int   `json:"y,omitempty"`
	Origin string `json:"origin,omitempty"`
	Button *int   `json:"button,omitempty"`
	Value  string `json:"value,omitempty"`
}

// inputSource is a device and what it does, tick by tick.
type inputSource struct {
	Type       string            `json:"type"` // "pointer" or "key"
	ID         string            `json:"id"`
	Parameters map[string]string `json:"parameters,omitempty"`
	Actions    []inputAction     `json:"actions"`
}

func (b *bidi) performActions(ctx context.Context, context string, sources ...inputSource) error {
	return b.call(ctx, "input.performActions", map[string]any{"context": context, "actions": sources}, nil)
}

// click moves the mouse to (x, y) of the viewport and presses and releases
// its left button: real, trusted events, hit-tested by the browser.
func (b *bidi) click(ctx context.Context, context string, x, y float64) error {
	xi, yi, left := int(math.Round(x)), int(math.Round(y)), 0
	return b.performActions(ctx, context, inputSource{
		Type: "pointer", ID: "mouse", Parameters: map[string]string{"pointerType": "mouse"},
		Actions: []inputAction{
			{Type: "pointerMove", X: &xi, Y: &yi, Origin: "viewport"},
			{Type: "pointerDown", Button: &left},
			{Type: "pointerUp", Button: &left},
		},
	})
}

// WebDriver key values of the keys the tests press.
const (
	bidiTab   = "\uE004"
	bidiEnter = "\uE007"
)

// press types each key (a key value above, or a character) down and up.
func (b *bidi) press(ctx context.Context, context string, keys ...string) error {
	src := inputSource{Type: "key", ID: "keyboard"}
	for _, k := range keys {
		src.Actions = append(src.Actions, inputAction{Type: "keyDown", Value: k}, inputAction{Type: "keyUp", Value: k})
	}
	return b.performActions(ctx, context, src)
}

// screenshot captures the viewport as PNG.
func (b *bidi) screenshot(ctx context.Context, context string) ([]byte, error) {
	var r struct{ Data string }
	if err := b.call(ctx, "browsingContext.captureScreenshot", map[string]any{"context": context}, &r); err != nil {
		return nil, err
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return nil, fmt.Errorf("browsingContext.captureScreenshot: %w", err)
	}
	return png, nil
}

// bidiCookie is a cookie of storage.getCookies.
type bidiCookie struct {
	Name   string      `json:"name"`
	Value  remoteValue `json:"value"` // {"type": "string", "value": …}
	Domain string      `json:"domain"`
	Path   string      `json:"path"`
}

// cookies returns the cookies the browsing context's page can be sent:
// its partition, the user context's jar for its top-level site.
func (b *bidi) cookies(ctx context.Context, context string) ([]bidiCookie, error) {
	var r struct{ Cookies []bidiCookie }
	err := b.call(ctx, "storage.getCookies", map[string]any{"partition": map[string]any{"type": "context", "context": context}}, &r)
	return r.Cookies, err
}
