package consentproxy

import "testing"

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
