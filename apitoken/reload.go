package apitoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"sort"
)

// Reload reads the tokens file at path again and, if it is valid, replaces
// the set's tokens with its own (see Replace). An invalid file changes
// nothing and is reported, so a typo cannot lock everyone out.
func (s *Set) Reload(path string) error {
	n, err := Load(path)
	if err != nil {
		return err
	}
	s.Replace(n)
	return nil
}

// Replace makes n's tokens the set's, at once for every request that
// starts afterwards. A token that keeps its name and rate keeps its rate
// bucket, so a reload is no way around a token's limit; one that is gone,
// or whose hash or sites changed, stops opening the API and ends the
// dashboard sessions made with it (their Revision no longer matches).
func (s *Set) Replace(n *Set) {
	s.reload.Lock()
	defer s.reload.Unlock()
	old := map[string]*entry{}
	for _, e := range s.list() {
		old[e.name] = e
	}
	entries := make([]*entry, 0, len(n.list()))
	for _, ne := range n.list() {
		e := *ne
		if o := old[e.name]; o != nil && o.rate == e.rate {
			e.bucket = o.bucket
		}
		entries = append(entries, &e)
	}
	s.entries.Store(&entries)
}

// revisionContext separates revisions from every other use of the key.
const revisionContext = "consentproxy/apitoken/revision/v1|"

// Revision is a digest of what the named token is now, its hash and its
// sites, keyed with key. A dashboard session keeps the revision it was
// made with and is good only while the token's is unchanged: a reload that
// removes the token, rotates it or narrows its sites ends the session.
// Keyed, because the session cookie can be read: a plain digest of the
// token's hash would let whoever holds the cookie test guesses of the
// token offline. ok is false when no token has that name.
func (s *Set) Revision(name string, key []byte) (rev []byte, ok bool) {
	for _, e := range s.list() {
		if e.name == name {
			return e.revision(key), true
		}
	}
	return nil, false
}

// Has reports whether a token of that name is in the set.
func (s *Set) Has(name string) bool {
	for _, e := range s.list() {
		if e.name == name {
			return true
		}
	}
	return false
}

// CheckRevision is Check and the matched token's Revision, both of the same
// load of the file, so that a reload between the two cannot pair a grant
// with another token's revision.
func (s *Set) CheckRevision(token string, key []byte) (Grant, []byte, bool) {
	e := s.match(token)
	if e == nil {
		return Grant{}, nil, false
	}
	return e.grant(), e.revision(key), true
}

func (e *entry) revision(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(revisionContext))
	m.Write(e.hash[:])
	if e.all {
		m.Write([]byte{1})
	} else {
		m.Write([]byte{0})
	}

	sites := make([]string, 0, len(e.sites))
	for site := range e.sites {
		sites = append(sites, site)
	}
	sort.Strings(sites)
	for _, site := range sites {
		// Length-prefixed: one encoding per list, whatever the sites hold.
		m.Write(binary.BigEndian.AppendUint32(nil, uint32(len(site))))
		m.Write([]byte(site))
	}
	if e.share {
		// After the sites, so other tokens' revisions stay as they were;
		// a token turned into a share link's (or back) ends its sessions.
		m.Write([]byte("share"))
	}
	return m.Sum(nil)
}
