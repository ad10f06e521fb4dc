// Package botlist compiles and matches the bot pattern lists of uaparse
// (crawlers.txt, crawlers_gen.txt). It is its own package so that the
// generator that writes crawlers_gen.txt checks its conversions with the
// very matcher the parser uses.
package botlist

import (
	"fmt"
	"strings"
)

// Classes are the valid "[class]" section names; they equal the root
// package's Bot* constants (uaparse's tests check that), which this package
// cannot import without importing the domain into the generator.
var Classes = map[string]bool{"crawler": true, "ai_crawler": true, "monitor": true, "headless": true, "library": true, "other": true}

// Priorities decide which class a UA gets when several patterns match (a
// GPTBot UA also matches the generic "*bot"): the local list wins because it
// exists to correct the others, then the curated crawler-user-agents entries,
// then isbot's broad words.
// A pattern with a leading '*' may match inside a word, so it is the least
// specific whatever its file.
const (
	PrioGeneric   = 0
	PrioGenerated = 1
	PrioLocal     = 2
)

// Pattern is one compiled line: literal pieces in order with arbitrary text
// between them, each compared against the lower-cased UA.
type Pattern struct {
	pieces      []string
	leadB       bool // the byte before the match must not be a letter or digit
	trailB      bool // the byte after the match must not be a letter or digit
	anchorStart bool
	anchorEnd   bool
	class       string
	prio        uint8
}

// Set indexes patterns so that a scan costs one table probe per
// position instead of one comparison per pattern: patterns that must start
// at a word start are keyed by their first two bytes and tried only there,
// the few that may start anywhere (a leading '*' or punctuation) by their
// first byte at every position.
type Set struct {
	anchored []*Pattern
	anyPos   [wordBuckets][]*Pattern // keyed by the first two bytes
	anyPos1  [256][]*Pattern         // one-byte first pieces
	words    [wordBuckets][]*Pattern
}

const wordBuckets = 4096

func wordKey(a, b byte) int { return (int(a)*31 + int(b)) & (wordBuckets - 1) }

// deviceWords are brand and model names that end like a bot token ("CUBOT"
// phones, the "Spider" model, "MAJESTIC" and "Expanse" devices). A match
// that lies entirely inside one of these words is ignored; a pattern that
// reaches past the word ("spider/", "expanse, a palo alto") still counts.
var deviceWords = map[string]bool{"cubot": true, "spider": true, "majestic": true, "expanse": true}

// Compile compiles one list in isolation.
func Compile(src string, prio uint8) (*Set, error) {
	cs := &Set{}
	return cs, cs.Add("list", src, prio)
}

// Add parses the list format (see crawlers.txt) into cs.
func (cs *Set) Add(name, src string, prio uint8) error {
	class := "other"
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			class = line[1 : len(line)-1]
			if !Classes[class] {
				return fmt.Errorf("%s line %d: unknown class %q", name, n+1, class)
			}
			continue
		}
		p, err := ParsePattern(line)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", name, n+1, err)
		}
		p.class, p.prio = class, prio
		if !p.leadB && isAlnum(p.pieces[0][0]) && !p.anchorStart {
			p.prio = PrioGeneric
		}
		first := p.pieces[0]
		switch {
		case p.anchorStart:
			cs.anchored = append(cs.anchored, p)
		case p.leadB && len(first) >= 2 && isAlnum(first[0]):
			k := wordKey(first[0], first[1])
			cs.words[k] = append(cs.words[k], p)
		case len(first) >= 2:
			k := wordKey(first[0], first[1])
			cs.anyPos[k] = append(cs.anyPos[k], p)
		default:
			cs.anyPos1[first[0]] = append(cs.anyPos1[first[0]], p)
		}
	}
	return nil
}

// ParsePattern compiles one pattern line: '^' and '$' anchor, '*' stands for
// any text, and an edge not next to a '*' must fall on a word boundary when
// its byte is a letter or digit.
func ParsePattern(line string) (*Pattern, error) {
	p := &Pattern{}
	if strings.HasPrefix(line, "^") {
		p.anchorStart, line = true, line[1:]
	}
	if strings.HasSuffix(line, "$") {
		p.anchorEnd, line = true, line[:len(line)-1]
	}
	for i := 0; i < len(line); i++ {
		if line[i] >= 0x80 || line[i] < 0x20 {
			return nil, fmt.Errorf("pattern %q is not printable ASCII", line)
		}
	}
	lead := !strings.HasPrefix(line, "*")
	trail := !strings.HasSuffix(line, "*")
	for _, piece := range strings.Split(line, "*") {
		if piece != "" {
			p.pieces = append(p.pieces, strings.ToLower(piece))
		}
	}
	if len(p.pieces) == 0 {
		return nil, fmt.Errorf("empty pattern %q", line)
	}
	first, last := p.pieces[0], p.pieces[len(p.pieces)-1]
	p.leadB = lead && isAlnum(first[0])
	p.trailB = trail && isAlnum(last[len(last)-1])
	if !lead && p.anchorStart || !trail && p.anchorEnd {
		return nil, fmt.Errorf("pattern %q mixes an anchor with '*'", line)
	}
	return p, nil
}

// Match returns the class of the highest-priority pattern found in the
// lower-cased UA lc (the earliest one among equals), or "".
func (cs *Set) Match(lc []byte) string {
	var best *Pattern
	ms, me := AndroidModel(lc)
	consider := func(p *Pattern, i int) bool {
		if best == nil || p.prio > best.prio {
			if end := p.matchEnd(lc, i); end >= 0 && (i < ms || end > me) {
				best = p
			}
		}
		return best != nil && best.prio == PrioLocal
	}
	for _, p := range cs.anchored {
		if consider(p, 0) {
			return best.class
		}
	}
	for i := 0; i < len(lc); i++ {
		c := lc[i]
		for _, p := range cs.anyPos1[c] {
			if consider(p, i) {
				return best.class
			}
		}
		if i+1 >= len(lc) {
			break
		}
		k := wordKey(c, lc[i+1])
		for _, p := range cs.anyPos[k] {
			if consider(p, i) {
				return best.class
			}
		}
		if isAlnum(c) && (i == 0 || !isAlnum(lc[i-1])) {
			for _, p := range cs.words[k] {
				if consider(p, i) {
					return best.class
				}
			}
		}
	}
	if best == nil {
		return ""
	}
	return best.class
}

// AndroidModel returns where the device model of an Android UA lies in lc
// ("(linux; android 10; <model> build/…)" or "…; <model>)"), or (0, -1).
// Model names are arbitrary words (Discovery, Butterfly, Radar, XBot_Senior,
// Capture+), so a pattern matching wholly inside one says nothing about
// bots: 55 real browsers of device-detector's phone and tablet fixtures
// were flagged this way. A bot's own token comes after the model, so it still counts.
// uaparse's device rules read the model too.
func AndroidModel(lc []byte) (start, end int) {
	const tok = "; android "
	i := index(lc, tok)
	if i < 0 {
		return 0, -1
	}
	j := i + len(tok)
	for j < len(lc) && lc[j] != ';' && lc[j] != ')' {
		j++ // the version
	}
	if j >= len(lc) || lc[j] != ';' {
		return 0, -1
	}
	j++
	for j < len(lc) && lc[j] == ' ' {
		j++
	}
	// A locale ("en-us; ", "zh_cn; ") may come before the model.
	if j+6 <= len(lc) && (lc[j+2] == '-' || lc[j+2] == '_') && lc[j+5] == ';' {
		j += 6
		for j < len(lc) && lc[j] == ' ' {
			j++
		}
	}
	k := j
	for k < len(lc) && lc[k] != ')' && lc[k] != ';' {
		if hasPrefix(lc[k:], " build/") {
			break
		}
		k++
	}
	return j, k
}

// MatchAt reports whether p matches lc with its first piece at i.
func (p *Pattern) MatchAt(lc []byte, i int) bool { return p.matchEnd(lc, i) >= 0 }

// matchEnd returns where p's match with its first piece at i ends, or -1.
func (p *Pattern) matchEnd(lc []byte, i int) int {
	first := p.pieces[0]
	if !hasPrefix(lc[i:], first) || p.leadB && i > 0 && isAlnum(lc[i-1]) {
		return -1
	}
	end := i + len(first)
	for k := 1; k < len(p.pieces); k++ {
		j := index(lc[end:], p.pieces[k])
		if j < 0 {
			return -1
		}
		end += j + len(p.pieces[k])
	}
	if p.anchorEnd && end != len(lc) {
		return -1
	}
	if p.trailB && end < len(lc) && isAlnum(lc[end]) {
		// Only a single piece is retried further on: the last of several is
		// rare enough that the first occurrence decides.
		return -1
	}
	if len(p.pieces) == 1 && inDeviceWord(lc, i, end) {
		return -1
	}
	return end
}

// inDeviceWord reports whether lc[i:end] lies inside one word that is a
// known device name.
func inDeviceWord(lc []byte, i, end int) bool {
	ws, we := i, end
	for ws > 0 && isAlnum(lc[ws-1]) {
		ws--
	}
	for we < len(lc) && isAlnum(lc[we]) {
		we++
	}
	for k := i; k < end; k++ {
		if !isAlnum(lc[k]) {
			return false
		}
	}
	return we-ws <= 8 && deviceWords[string(lc[ws:we])] // no allocation: map lookup
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func hasPrefix(s []byte, p string) bool {
	return len(s) >= len(p) && string(s[:len(p)]) == p
}

// index is strings.Index for a byte slice without converting it (which
// would allocate); multi-piece patterns are rare, so the naive loop is fine.
func index(s []byte, p string) int {
	for j := 0; j+len(p) <= len(s); j++ {
		if string(s[j:j+len(p)]) == p {
			return j
		}
	}
	return -1
}

// Lower writes the ASCII-lower-cased ua into buf and returns it.
func Lower(buf []byte, ua string) []byte {
	buf = buf[:len(ua)]
	for i := 0; i < len(ua); i++ {
		c := ua[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf
}

// MatchString reports whether p matches ua anywhere (for the generator and
// tests; it allocates).
func (p *Pattern) MatchString(ua string) bool {
	lc := Lower(make([]byte, len(ua)), ua)
	if p.anchorStart {
		return p.MatchAt(lc, 0)
	}
	for i := range lc {
		if p.MatchAt(lc, i) {
			return true
		}
	}
	return false
}

// Class is the pattern's class.
func (p *Pattern) Class() string { return p.class }
