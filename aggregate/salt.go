package aggregate

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Table indexes, in consentproxy.Tables() order (a test keeps them in step).
const (
	tTotals = iota
	tPages
	tEntryPages
	tEvents
	tSources
	tDevices
	tCountries
	tLanguages
	tGoals
	tFunnels
	tPageFlow
	tEventProps
	tRevenue
	tCampaignDetails
	tRegions
	tPageCountries
	tOutcomes
	tChoices
	tFiltered
	tJurisdictions
	tRemoved
	numTables

	// numVisitorTables: the tables before tOutcomes keep visitor hashes.
	numVisitorTables = tOutcomes
)

var tables = [numTables]consentproxy.Table{
	tTotals:          consentproxy.TableTotals,
	tPages:           consentproxy.TablePages,
	tEntryPages:      consentproxy.TableEntryPages,
	tEvents:          consentproxy.TableEvents,
	tSources:         consentproxy.TableSources,
	tDevices:         consentproxy.TableDevices,
	tCountries:       consentproxy.TableCountries,
	tLanguages:       consentproxy.TableLanguages,
	tGoals:           consentproxy.TableGoals,
	tFunnels:         consentproxy.TableFunnels,
	tPageFlow:        consentproxy.TablePageFlow,
	tEventProps:      consentproxy.TableEventProps,
	tRevenue:         consentproxy.TableRevenue,
	tCampaignDetails: consentproxy.TableCampaignDetails,
	tRegions:         consentproxy.TableRegions,
	tPageCountries:   consentproxy.TablePageCountries,
	tOutcomes:        consentproxy.TableOutcomes,
	tChoices:         consentproxy.TableConsentChoices,
	tFiltered:        consentproxy.TableFiltered,
	tJurisdictions:   consentproxy.TableConsentJurisdictions,
	tRemoved:         consentproxy.TableRemovedParams,
}

const (
	saltLabel     = "consentproxy/visitor-salt/v1/"
	tableKeyLabel = "consentproxy/table-key/v1/"
)

// dayKeys are the keys of one UTC day, all derived from the deployment secret
// and the date. They exist only in memory.
type dayKeys struct {
	day    int64 // days since 1970-01-01, UTC
	k0, k1 uint64
	table  [numVisitorTables][2]uint64
}

// deriveDayKeys computes the salt of one UTC day:
//
//	salt      = HMAC-SHA256(secret, "consentproxy/visitor-salt/v1/" + "YYYY-MM-DD")[:16]
//	tableKey  = HMAC-SHA256(salt, "consentproxy/table-key/v1/" + table name)[:16]
//
// Deriving rather than drawing the salt at random is what lets every instance
// of a deployment agree on it without talking to each other.
func deriveDayKeys(secret []byte, day int64) *dayKeys {
	date := time.Unix(day*86400, 0).UTC().AppendFormat(nil, time.DateOnly)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(saltLabel))
	m.Write(date)
	salt := m.Sum(nil)[:16]
	dk := &dayKeys{
		day: day,
		k0:  binary.LittleEndian.Uint64(salt[0:8]),
		k1:  binary.LittleEndian.Uint64(salt[8:16]),
	}
	for i := range numVisitorTables {
		tm := hmac.New(sha256.New, salt)
		tm.Write([]byte(tableKeyLabel))
		tm.Write([]byte(tables[i].Name))
		k := tm.Sum(nil)
		dk.table[i] = [2]uint64{binary.LittleEndian.Uint64(k[0:8]), binary.LittleEndian.Uint64(k[8:16])}
		clear(k)
	}
	clear(salt)
	return dk
}

// base is the visitor's hash for the day: SipHash-2-4 keyed by the salt over
// site ‖ 0 ‖ IP (16-byte form) ‖ 0 ‖ user agent. It keys the session table and
// never leaves memory; the tables get tableHash(base) instead.
func (dk *dayKeys) base(site string, ip netip.Addr, ua string) uint64 {
	var s sip
	s.init(dk.k0, dk.k1)
	s.writeString(site)
	s.writeByte(0)
	a := ip.As16() // the zero Addr gives 16 zero bytes
	s.writeBytes(a[:])
	s.writeByte(0)
	s.writeString(ua)
	return s.sum64()
}

// tableHash is the visitor hash a table stores. Each table has its own key, so
// uniq states of two tables share no elements and cannot be joined on them.
func (dk *dayKeys) tableHash(t int, base uint64) uint64 {
	return sipHash64(dk.table[t][0], dk.table[t][1], base)
}

// saltCache holds the keys of the two most recent days, so hits straddling
// midnight in slightly shuffled order do not recompute them back and forth.
type saltCache struct {
	secret []byte
	slots  [2]atomic.Pointer[dayKeys]
	mu     sync.Mutex
}

func (c *saltCache) keys(day int64) *dayKeys {
	slot := &c.slots[day&1]
	if dk := slot.Load(); dk != nil && dk.day == day {
		return dk
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if dk := slot.Load(); dk != nil && dk.day == day {
		return dk
	}
	dk := deriveDayKeys(c.secret, day)
	slot.Store(dk)
	return dk
}

func dayOf(unix int64) int64 {
	d := unix / 86400
	if unix < 0 && unix%86400 != 0 {
		d--
	}
	return d
}

func hourOf(unix int64) int64 {
	h := unix / 3600
	if unix < 0 && unix%3600 != 0 {
		h--
	}
	return h * 3600
}
