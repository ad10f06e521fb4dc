package aggregate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Spool file format, version 2. A small binary format of our own rather than
// gob or JSON: it is deterministic (golden-testable), compact for visitor
// hashes, and its decoder checks every length against the bytes that remain,
// so a damaged file yields an error, never a panic or a huge allocation.
// It names its metrics and counts each table's dims, so a spool written
// before a schema change (a new metric, a dimension appended to a table)
// still replays after it: what the file lacks is zero or "".
//
//	file    = magic "CPSPOOL2" | crc32c(payload) u32le | len(payload) u64le | payload
//	payload = str instance | uvarint version | uvarint nmetrics | str metric * nmetrics
//	          | uvarint ntables | table*
//	table   = str name | uvarint ndims | uvarint nrows | row*
//	row     = str site | varint hour (unix s) | str dim * ndims | varint metric * nmetrics
//	          | (only when Table.Visitors) uvarint n | n × u64le visitor hash
//	str     = uvarint len | bytes
//
// Version 1 ("CPSPOOL1", written before migration 003) had neither count:
// six fixed metrics and each table's dims as they were then (spoolV1).
const (
	spoolMagic   = "CPSPOOL2"
	spoolMagicV1 = "CPSPOOL1"
)

// spoolV1 is version 1's fixed layout.
var spoolV1 = struct {
	metrics []string
	dims    map[string]int
}{
	metrics: []string{"hits", "pageviews", "events", "visits", "bounces", "duration_ms"},
	dims: map[string]int{"totals": 0, "pages": 1, "entry_pages": 1, "events": 1, "sources": 5, "devices": 5,
		"countries": 1, "languages": 1, "outcomes": 1, "consent_choices": 2},
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func encodeBatch(b *consentproxy.Batch) []byte {
	p := make([]byte, 0, 256+b.Len()*64)
	p = appendStr(p, b.Instance)
	p = binary.AppendUvarint(p, b.Version)
	p = binary.AppendUvarint(p, uint64(len(consentproxy.MetricColumns)))
	for _, c := range consentproxy.MetricColumns {
		p = appendStr(p, c.Name)
	}
	p = binary.AppendUvarint(p, uint64(len(b.Tables)))
	for _, t := range b.Tables {
		p = appendStr(p, t.Table.Name)
		p = binary.AppendUvarint(p, uint64(len(t.Table.Dims)))
		p = binary.AppendUvarint(p, uint64(len(t.Rows)))
		for i := range t.Rows {
			r := &t.Rows[i]
			p = appendStr(p, r.Site)
			p = binary.AppendVarint(p, r.Hour.Unix())
			for d := range t.Table.Dims {
				v := ""
				if d < len(r.Dims) {
					v = r.Dims[d]
				}
				p = appendStr(p, v)
			}
			for _, c := range consentproxy.MetricColumns {
				p = binary.AppendVarint(p, *c.Field(&r.Metrics))
			}
			if t.Table.Visitors {
				p = binary.AppendUvarint(p, uint64(len(r.Visitors)))
				for _, h := range r.Visitors {
					p = binary.LittleEndian.AppendUint64(p, h)
				}
			}
		}
	}
	out := make([]byte, 0, len(spoolMagic)+12+len(p))
	out = append(out, spoolMagic...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(p, castagnoli))
	out = binary.LittleEndian.AppendUint64(out, uint64(len(p)))
	return append(out, p...)
}

func appendStr(p []byte, s string) []byte {
	p = binary.AppendUvarint(p, uint64(len(s)))
	return append(p, s...)
}

var errSpoolCorrupt = errors.New("corrupt spool file")

func decodeBatch(data []byte) (consentproxy.Batch, error) {
	var b consentproxy.Batch
	hdr := len(spoolMagic) + 12
	if len(data) < hdr {
		return b, fmt.Errorf("%w: bad header", errSpoolCorrupt)
	}
	v1 := false
	switch string(data[:len(spoolMagic)]) {
	case spoolMagic:
	case spoolMagicV1:
		v1 = true
	default:
		return b, fmt.Errorf("%w: bad header", errSpoolCorrupt)
	}
	sum := binary.LittleEndian.Uint32(data[len(spoolMagic):])
	n := binary.LittleEndian.Uint64(data[len(spoolMagic)+4:])
	p := data[hdr:]
	if n != uint64(len(p)) {
		return b, fmt.Errorf("%w: length %d, have %d bytes", errSpoolCorrupt, n, len(p))
	}
	if crc32.Checksum(p, castagnoli) != sum {
		return b, fmt.Errorf("%w: checksum mismatch", errSpoolCorrupt)
	}
	d := decoder{p: p}
	b.Instance = d.str()
	b.Version = d.uvarint()
	// Where each of the file's metrics goes in Metrics.
	names := spoolV1.metrics
	if !v1 {
		names = make([]string, d.count(1))
		for i := range names {
			names[i] = d.str()
		}
	}
	fields := make([]func(*consentproxy.Metrics) *int64, len(names))
	for i, name := range names {
		for _, c := range consentproxy.MetricColumns {
			if c.Name == name {
				fields[i] = c.Field
			}
		}
		if fields[i] == nil && d.err == nil {
			return consentproxy.Batch{}, fmt.Errorf("%w: unknown metric %q (a spool of a newer version?)", errSpoolCorrupt, name)
		}
	}
	nt := d.count(1)
	for range nt {
		name := d.str()
		if d.err != nil {
			break
		}
		t, ok := consentproxy.TableByName(name)
		if !ok {
			return consentproxy.Batch{}, fmt.Errorf("%w: unknown table %q", errSpoolCorrupt, name)
		}
		nd := spoolV1.dims[name]
		if !v1 {
			nd = int(d.uvarint())
		}
		if nd > len(t.Dims) {
			return consentproxy.Batch{}, fmt.Errorf("%w: table %s with %d dims, want at most %d", errSpoolCorrupt, name, nd, len(t.Dims))
		}
		tr := consentproxy.TableRows{Table: t}
		nr := d.count(2 + nd + len(names))
		if nr > 0 {
			tr.Rows = make([]consentproxy.Row, 0, nr)
		}
		for range nr {
			var r consentproxy.Row
			r.Site = d.str()
			r.Hour = time.Unix(d.varint(), 0).UTC()
			r.Dims = make([]string, len(t.Dims)) // dims appended since the file was written stay ""
			for i := range nd {
				r.Dims[i] = d.str()
			}
			for _, f := range fields {
				*f(&r.Metrics) = d.varint()
			}
			if t.Visitors {
				nv := d.count(8)
				r.Visitors = make([]uint64, nv)
				for i := range r.Visitors {
					r.Visitors[i] = d.u64()
				}
			}
			if d.err != nil {
				break
			}
			tr.Rows = append(tr.Rows, r)
		}
		b.Tables = append(b.Tables, tr)
	}
	if d.err == nil && len(d.p) != 0 {
		d.err = fmt.Errorf("%d trailing bytes", len(d.p))
	}
	if d.err != nil {
		return consentproxy.Batch{}, fmt.Errorf("%w: %v", errSpoolCorrupt, d.err)
	}
	return b, nil
}

// decoder reads the payload; after the first error every read returns zero.
type decoder struct {
	p   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = errors.New("truncated or invalid " + what)
	}
	d.p = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.p)
	if n <= 0 {
		d.fail("uvarint")
		return 0
	}
	d.p = d.p[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.p)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.p = d.p[n:]
	return v
}

// count reads an element count, rejecting one that cannot fit in the
// remaining bytes at minSize bytes per element.
func (d *decoder) count(minSize int) int {
	v := d.uvarint()
	if d.err != nil {
		return 0
	}
	if v > uint64(len(d.p)/minSize) {
		d.fail("count")
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.p)) {
		d.fail("string")
		return ""
	}
	s := string(d.p[:n])
	d.p = d.p[n:]
	return s
}

func (d *decoder) u64() uint64 {
	if len(d.p) < 8 {
		d.fail("hash")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.p)
	d.p = d.p[8:]
	return v
}
