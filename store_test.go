package consentproxy

import (
	"net/netip"
	"testing"
)

// Add must sum every column of MetricColumns, and the names must be unique:
// a metric added to the list but not to Add would be lost when the
// aggregator merges rows.
func TestMetricColumns(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range MetricColumns {
		if seen[c.Name] {
			t.Errorf("column %s listed twice", c.Name)
		}
		seen[c.Name] = true
		var one, sum Metrics
		*c.Field(&one) = int64(i + 2)
		sum.Add(one)
		sum.Add(one)
		for _, d := range MetricColumns {
			want := int64(0)
			if d.Name == c.Name {
				want = int64(2 * (i + 2))
			}
			if got := *d.Field(&sum); got != want {
				t.Errorf("after adding %s twice, %s = %d, want %d", c.Name, d.Name, got, want)
			}
		}
	}
}

func TestClientNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":               "203.0.113.7",
		"::ffff:203.0.113.7":        "203.0.113.7",
		"2001:db8:1:2:3:4:5:6":      "2001:db8:1:2::",
		"2001:db8:1:2:ffff::1%eth0": "2001:db8:1:2::",
		"fe80::1%lo":                "fe80::",
	} {
		if got := ClientNetwork(netip.MustParseAddr(in)).String(); got != want {
			t.Errorf("ClientNetwork(%s) = %s, want %s", in, got, want)
		}
	}
	if ClientNetwork(netip.Addr{}).IsValid() {
		t.Errorf("ClientNetwork(invalid) is valid")
	}
}
