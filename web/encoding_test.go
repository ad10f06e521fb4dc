package web

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestRefuseEncodedBodies: any Content-Encoding but identity, in any case,
// list or number of lines, is answered 415 before the handler (which would
// decode it with c.Body()) runs, and counted; identity and no header pass.
func TestRefuseEncodedBodies(t *testing.T) {
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		io.WriteString(w, s)
		w.Close()
		return b.String()
	}
	tests := []struct {
		name     string
		method   string
		encoding []string // one entry per header line
		body     string
		refused  bool
	}{
		{"gzip", "POST", []string{"gzip"}, gz(`{"a":1}`), true},
		{"upper case", "POST", []string{"GZIP"}, gz(`{"a":1}`), true},
		{"gzip twice", "POST", []string{"gzip, gzip"}, gz(gz(`{"a":1}`)), true},
		{"br", "POST", []string{"br"}, "\x0b\x02\x80{}\x03", true},
		{"deflate", "POST", []string{"deflate"}, "x\x9c\xab\xae\x05\x00\x01u\x00\xf9", true},
		{"zstd", "POST", []string{"zstd"}, "(\xb5/\xfd\x00X\x11\x00\x00{}", true},
		{"unknown coding", "POST", []string{"x-whatever"}, "{}", true},
		{"identity then gzip", "POST", []string{"identity, gzip"}, gz("{}"), true},
		{"padded list", "POST", []string{" identity ,, \tbr "}, "{}", true},
		{"second line", "POST", []string{"identity", "gzip"}, gz("{}"), true},
		{"on a GET", "GET", []string{"gzip"}, "", true},
		{"identity", "POST", []string{"identity"}, "{}", false},
		{"identity any case, listed", "POST", []string{"Identity, IDENTITY"}, "{}", false},
		{"no header", "POST", nil, "{}", false},
	}
	for _, mw := range []struct {
		name string
		h    fiber.Handler
	}{{"Guard", Guard()}, {"RefuseEncodedBodies", RefuseEncodedBodies()}} {
		for _, tt := range tests {
			t.Run(mw.name+"/"+tt.name, func(t *testing.T) {
				app, errs := NewApp(Config{})
				app.Use(mw.h)
				var ran atomic.Bool
				handler := func(c *fiber.Ctx) error {
					ran.Store(true)
					return c.Send(c.Body())
				}
				app.Post("/consent", handler)
				app.Get("/consent", handler)
				req := httptest.NewRequest(tt.method, "/consent", strings.NewReader(tt.body))
				for _, e := range tt.encoding {
					req.Header.Add("Content-Encoding", e)
				}
				resp, err := app.Test(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				if !tt.refused {
					// (Fiber hands a handler an empty body for a list of
					// identities; harmless, and not this test's business.)
					if resp.StatusCode != 200 || !ran.Load() {
						t.Fatalf("accepted body: %d %q, handler ran %v", resp.StatusCode, b, ran.Load())
					}
					return
				}
				if resp.StatusCode != http.StatusUnsupportedMediaType || string(b) != "Encoded request bodies are not accepted.\n" {
					t.Errorf("answer %d %q, want 415 and the fixed text", resp.StatusCode, b)
				}
				if got := resp.Header.Get("Accept-Encoding"); got != "identity" {
					t.Errorf("Accept-Encoding %q, want identity", got)
				}
				if ran.Load() {
					t.Error("the handler ran")
				}
				if n := errs.Count(EENCODED); n != 1 {
					t.Errorf("%s counted %d times, want 1 (%v)", EENCODED, n, errs.Snapshot())
				}
			})
		}
	}
	if Status(EENCODED) != http.StatusUnsupportedMediaType {
		t.Errorf("Status(%s) = %d", EENCODED, Status(EENCODED))
	}
}

// TestGzipBomb: about a kilobyte of doubly gzipped zeros that Fiber's
// c.Body() would expand to 1 GiB, posted over loopback the way the attack
// was, is refused without the handler running and without the process
// allocating anything near the bomb's size.
func TestGzipBomb(t *testing.T) {
	bomb := nestedGzipBomb(t, 1024) // 1 GiB of zeros inside two gzip layers
	if len(bomb) > 4<<10 {
		t.Fatalf("the bomb is %d bytes, want about 1 KiB", len(bomb))
	}

	app, errs := NewApp(Config{})
	app.Use(Guard())
	var ran atomic.Bool
	app.Post("/consent", func(c *fiber.Ctx) error {
		ran.Store(true)
		return c.SendString(string(c.Body()[:min(len(c.Body()), 16)]))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	client := &http.Client{Timeout: 30 * time.Second}
	post := func() *http.Response {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/consent", bytes.NewReader(bomb))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip, gzip")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post() // warm up connections and pools, out of the measurement
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp = post()
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)

	if resp.StatusCode != http.StatusUnsupportedMediaType || string(b) != "Encoded request bodies are not accepted.\n" {
		t.Errorf("bomb answered %d %q, want 415", resp.StatusCode, b)
	}
	if ran.Load() {
		t.Error("the handler ran")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("answering the bomb allocated %d MiB", alloc>>20)
	}
	if n := errs.Count(EENCODED); n != 2 {
		t.Errorf("%s counted %d, want 2", EENCODED, n)
	}
}

// TestNestedGzipBombIsValid: the construction nestedGzipBomb uses decodes,
// checksums and all, to exactly the zeros it claims (checked on a small
// one; the big one only repeats the same block more often).
func TestNestedGzipBombIsValid(t *testing.T) {
	const mib = 8
	outer, err := gzip.NewReader(bytes.NewReader(nestedGzipBomb(t, mib)))
	if err != nil {
		t.Fatal(err)
	}
	inner, err := gzip.NewReader(outer)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	total := 0
	for {
		n, err := inner.Read(buf)
		if bytes.ContainsFunc(buf[:n], func(r rune) bool { return r != 0 }) {
			t.Fatal("the bomb holds something other than zeros")
		}
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", total, err)
		}
	}
	if total != mib<<20 {
		t.Fatalf("decoded %d bytes, want %d", total, mib<<20)
	}
}

// nestedGzipBomb is gzip(gzip(mib MiB of zeros)), built without compressing
// a gibibyte: the inner stream is one flushed (so byte-aligned,
// self-contained) deflate block sequence that encodes 1 MiB of zeros
// against a window of zeros, repeated, then an empty final block and the
// trailer. Being periodic, it shrinks again by a factor of about a thousand.
func nestedGzipBomb(t testing.TB, mib int) []byte {
	t.Helper()
	zeros := make([]byte, 1<<20)
	var inner bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&inner, gzip.BestCompression)
	zw.Write(zeros)
	zw.Flush()
	head := inner.Len()
	zw.Write(zeros)
	zw.Flush()
	block := bytes.Clone(inner.Bytes()[head:])
	inner.Truncate(head)
	for i := 1; i < mib; i++ {
		inner.Write(block)
	}
	inner.Write([]byte{0x01, 0x00, 0x00, 0xff, 0xff}) // final, empty, stored block
	crc := uint32(0)
	for i := 0; i < mib; i++ {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	inner.Write(binary.LittleEndian.AppendUint32(nil, crc))
	inner.Write(binary.LittleEndian.AppendUint32(nil, uint32(mib<<20)))

	var outer bytes.Buffer
	ow, _ := gzip.NewWriterLevel(&outer, gzip.BestCompression)
	ow.Write(inner.Bytes())
	ow.Close()
	return outer.Bytes()
}
