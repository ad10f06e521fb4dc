package aggregate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// goldenBatch covers every table shape: no dims, one, five, with and
// without visitors, negative metrics (bounce corrections), empty strings.
// Its totals row has an engagement time, which version 1 could not hold:
// v1Batch is the same batch without it.
func goldenBatch() consentproxy.Batch {
	b := v1Batch()
	b.Tables[0].Rows[0].Metrics.EngagementMS = 41500
	return b
}

// v1Batch is what testdata/spool-v1.golden holds, a spool written before
// migration 003 (version 1 of the format).
func v1Batch() consentproxy.Batch {
	h := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	return consentproxy.Batch{
		Instance: "0123456789abcdef",
		Version:  42,
		Tables: []consentproxy.TableRows{
			{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{
				{Site: "G-X", Hour: h, Dims: []string{}, Metrics: consentproxy.Metrics{Pageviews: 3, Events: 5, Visits: 2, Bounces: 1, DurationMS: 60000}, Visitors: []uint64{1, 0xffffffffffffffff}},
			}},
			{Table: consentproxy.TableSources, Rows: []consentproxy.Row{
				{Site: "G-X", Hour: h, Dims: []string{"news.example", "referral", "", "", ""}, Metrics: consentproxy.Metrics{Visits: 1, Bounces: -1}, Visitors: []uint64{}},
			}},
			{Table: consentproxy.TableOutcomes, Rows: []consentproxy.Row{
				{Site: "", Hour: h.Add(time.Hour), Dims: []string{"invalid"}, Metrics: consentproxy.Metrics{Hits: 7}},
				{Site: "G-X", Hour: h, Dims: []string{"gpc"}, Metrics: consentproxy.Metrics{Hits: 1}},
			}},
		},
	}
}

const goldenPath = "testdata/spool-v2.golden"

// TestSpoolReadsV1: a spool the previous version wrote replays.
func TestSpoolReadsV1(t *testing.T) {
	old, err := os.ReadFile("testdata/spool-v1.golden")
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeBatch(old)
	if err != nil {
		t.Fatal(err)
	}
	if want := v1Batch(); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", got, want)
	}
}

func TestSpoolGolden(t *testing.T) {
	b := goldenBatch()
	enc := encodeBatch(&b)
	if *update {
		if err := os.WriteFile(goldenPath, enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test -run SpoolGolden -update)", err)
	}
	if !bytes.Equal(enc, golden) {
		t.Errorf("encoding changed: a new format needs a new magic and a decoder for the old one (keep the old golden file)")
	}
	got, err := decodeBatch(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Errorf("decoded\n%+v\nwant\n%+v", got, b)
	}
}

func TestSpoolRejectsDamage(t *testing.T) {
	b := goldenBatch()
	good := encodeBatch(&b)
	flip := bytes.Clone(good)
	flip[len(flip)-3] ^= 0x40
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("CPSPOOL9"), good[8:]...),
		"truncated": good[:len(good)-5],
		"bitflip":   flip,
		"trailing":  append(bytes.Clone(good), 0),
	}
	for name, data := range cases {
		if _, err := decodeBatch(data); !errors.Is(err, errSpoolCorrupt) {
			t.Errorf("%s: err %v", name, err)
		}
	}
	// A valid frame around a lying payload.
	metricsHeader := func(names ...string) []byte {
		p := append(appendStr(nil, "i"), 1, byte(len(names))) // instance, version, metrics
		for _, n := range names {
			p = appendStr(p, n)
		}
		return append(p, 1) // one table
	}
	var all []string
	for _, c := range consentproxy.MetricColumns {
		all = append(all, c.Name)
	}
	head := metricsHeader(all...)
	totalsRow := append(appendStr(append(appendStr(head, "totals"), 0, 1), ""), 0) // no dims, one row, site, hour
	totalsRow = append(totalsRow, make([]byte, len(all))...)
	for name, payload := range map[string][]byte{
		"unknown table":  appendStr(bytes.Clone(head), "users"),
		"unknown metric": appendStr(metricsHeader("hits", "refunds"), "totals"),
		"too many dims":  append(appendStr(bytes.Clone(head), "pages"), 2, 0),
		"huge row count": binary.AppendUvarint(append(appendStr(bytes.Clone(head), "totals"), 0), 1<<40),
		"huge visitors":  binary.AppendUvarint(bytes.Clone(totalsRow), 1<<40),
		"short visitors": append(binary.AppendUvarint(bytes.Clone(totalsRow), 2), make([]byte, 9)...),
		"missing tables": appendStr(nil, "i"),
	} {
		if _, err := decodeBatch(frame(payload)); !errors.Is(err, errSpoolCorrupt) {
			t.Errorf("%s: err %v", name, err)
		}
	}
	// The same frame around an honest row decodes.
	ok := binary.AppendUvarint(bytes.Clone(totalsRow), 1)
	ok = binary.LittleEndian.AppendUint64(ok, 99)
	got, err := decodeBatch(frame(ok))
	if err != nil || got.Tables[0].Rows[0].Visitors[0] != 99 {
		t.Errorf("honest payload: %v %+v", err, got)
	}
}

func frame(payload []byte) []byte {
	out := []byte(spoolMagic)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(payload, castagnoli))
	out = binary.LittleEndian.AppendUint64(out, uint64(len(payload)))
	return append(out, payload...)
}

func FuzzDecodeBatch(f *testing.F) {
	b := goldenBatch()
	f.Add(encodeBatch(&b))
	f.Add([]byte(spoolMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte(spoolMagic)) {
			// Frame anything else as a payload with a valid checksum, so
			// the fuzzer reaches the decoder behind the CRC.
			data = frame(data)
		}
		got, err := decodeBatch(data)
		if err != nil {
			if !errors.Is(err, errSpoolCorrupt) {
				t.Fatalf("error not marked corrupt: %v", err)
			}
			return
		}
		// Whatever decodes re-encodes to something that decodes the same.
		again, err := decodeBatch(encodeBatch(&got))
		if err != nil || !reflect.DeepEqual(normalize(again), normalize(got)) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, again, got)
		}
	})
}

// normalize maps empty slices to nil, which the format does not distinguish.
func normalize(b consentproxy.Batch) consentproxy.Batch {
	for i := range b.Tables {
		if len(b.Tables[i].Rows) == 0 {
			b.Tables[i].Rows = nil
		}
	}
	return b
}

func TestSpoolFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	b := goldenBatch()
	name, err := writeSpool(dir, &b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readSpool(filepath.Join(dir, name))
	if err != nil || !reflect.DeepEqual(got, b) {
		t.Fatalf("%v: %+v", err, got)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

// TestSpoolEveryTable: a batch of every table, those added after the v1
// layout included (filtered, consent_jurisdictions), round-trips: version 2
// names each table's dims, so spoolV1 never needs to know them.
func TestSpoolEveryTable(t *testing.T) {
	b := consentproxy.Batch{Instance: "i", Version: 3}
	for _, tb := range consentproxy.Tables() {
		r := consentproxy.Row{Site: "G-E", Hour: t0, Dims: make([]string, len(tb.Dims)), Metrics: consentproxy.Metrics{Hits: 2, EngagementMS: 5}}
		for i, d := range tb.Dims {
			r.Dims[i] = d + "-value"
		}
		if tb.Visitors {
			r.Visitors = []uint64{7}
		}
		b.Tables = append(b.Tables, consentproxy.TableRows{Table: tb, Rows: []consentproxy.Row{r}})
	}
	got, err := decodeBatch(encodeBatch(&b))
	if err != nil || !reflect.DeepEqual(got, b) {
		t.Fatalf("%v:\n%+v\nwant\n%+v", err, got, b)
	}
}

func TestMergeBatchesKeepsNewestRowPerKey(t *testing.T) {
	h := t0
	row := func(path string, pv int64) consentproxy.Row {
		return consentproxy.Row{Site: "G-M", Hour: h, Dims: []string{path}, Metrics: consentproxy.Metrics{Pageviews: pv}, Visitors: []uint64{uint64(pv)}}
	}
	batch := func(v uint64, rows ...consentproxy.Row) consentproxy.Batch {
		return consentproxy.Batch{Instance: "i", Version: v, Tables: []consentproxy.TableRows{{Table: consentproxy.TablePages, Rows: rows}}}
	}
	out := mergeBatches([]consentproxy.Batch{
		batch(3, row("/a", 1), row("/b", 1)),
		batch(4, row("/b", 2)),
		batch(7, row("/b", 5), row("/c", 1)),
	})
	got := index(out)
	if out.Version != 7 || out.Instance != "i" || len(got) != 3 {
		t.Fatalf("merged %+v", out)
	}
	for id, want := range map[string]int64{"pages|G-M|10:00|/a": 1, "pages|G-M|10:00|/b": 5, "pages|G-M|10:00|/c": 1} {
		if got[id].Metrics.Pageviews != want {
			t.Errorf("%s: %d, want %d", id, got[id].Metrics.Pageviews, want)
		}
	}
}
