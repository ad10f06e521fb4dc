package consent

import (
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
)

// TestDecide is the README's decision table, row by row, plus the cases where
// rows compete: the first matching row must win.
func TestDecide(t *testing.T) {
	both := Policy{HonorGPC: true, HonorDNT: true}
	none := Policy{}
	overriding := Policy{HonorGPC: true, HonorDNT: true, ConsentOverridesSignals: true}
	granted := Signals{Consent: StateGranted}
	with := func(f func(*Signals)) Signals { s := granted; f(&s); return s }
	tests := []struct {
		name string
		s    Signals
		p    Policy
		want consentproxy.Reason
	}{
		{"granted, no signals", granted, both, consentproxy.ReasonForwarded},
		{"granted, gcs granted", with(func(s *Signals) { s.GCS = GCSGranted }), both, consentproxy.ReasonForwarded},
		{"invalid beats everything", with(func(s *Signals) { s.Invalid, s.OptOut, s.GPC = true, true, true }), both, consentproxy.ReasonInvalid},
		{"opt-out cookie", with(func(s *Signals) { s.OptOut = true }), both, consentproxy.ReasonOptOut},
		{"opt-out cookie, nothing honoured", with(func(s *Signals) { s.OptOut = true }), none, consentproxy.ReasonOptOut},
		{"opt-out beats gpc", with(func(s *Signals) { s.OptOut, s.GPC = true, true }), both, consentproxy.ReasonOptOut},
		{"gpc honoured", with(func(s *Signals) { s.GPC = true }), both, consentproxy.ReasonGPC},
		{"gpc not honoured", with(func(s *Signals) { s.GPC = true }), Policy{HonorDNT: true}, consentproxy.ReasonForwarded},
		{"gpc beats dnt", with(func(s *Signals) { s.GPC, s.DNT = true, true }), both, consentproxy.ReasonGPC},
		{"dnt honoured", with(func(s *Signals) { s.DNT = true }), both, consentproxy.ReasonDNT},
		{"dnt not honoured", with(func(s *Signals) { s.DNT = true }), Policy{HonorGPC: true}, consentproxy.ReasonForwarded},
		{"gpc ignored, dnt honoured", with(func(s *Signals) { s.GPC, s.DNT = true, true }), Policy{HonorDNT: true}, consentproxy.ReasonDNT},
		{"bot", with(func(s *Signals) { s.Bot = true }), both, consentproxy.ReasonBot},
		{"dnt beats bot", with(func(s *Signals) { s.Bot, s.DNT = true, true }), both, consentproxy.ReasonDNT},
		{"bot without consent", Signals{Bot: true}, both, consentproxy.ReasonBot},
		{"excluded", with(func(s *Signals) { s.Excluded = true }), both, consentproxy.ReasonExcluded},
		{"bot beats excluded", with(func(s *Signals) { s.Bot, s.Excluded = true, true }), both, consentproxy.ReasonBot},
		{"gpc beats excluded", with(func(s *Signals) { s.GPC, s.Excluded = true, true }), both, consentproxy.ReasonGPC},
		{"excluded without consent", Signals{Excluded: true}, both, consentproxy.ReasonExcluded},
		{"excluded beats an override", with(func(s *Signals) { s.GPC, s.Excluded = true, true }), overriding, consentproxy.ReasonExcluded},
		{"no cookie", Signals{}, both, consentproxy.ReasonNoConsent},
		{"no cookie, gcs granted", Signals{GCS: GCSGranted}, both, consentproxy.ReasonNoConsent},
		{"invalid cookie", Signals{Consent: StateInvalid}, both, consentproxy.ReasonNoConsent},
		{"invalid cookie, gcs granted", Signals{Consent: StateInvalid, GCS: GCSGranted}, both, consentproxy.ReasonNoConsent},
		{"cookie denies", Signals{Consent: StateDenied}, both, consentproxy.ReasonDenied},
		{"cookie denies, gcs granted", Signals{Consent: StateDenied, GCS: GCSGranted}, both, consentproxy.ReasonDenied},
		{"cookie grants, gcs denies", with(func(s *Signals) { s.GCS = GCSDenied }), both, consentproxy.ReasonDenied},
		{"explicit opt-in over gpc, allowed", with(func(s *Signals) { s.GPC = true }), overriding, consentproxy.ReasonForwarded},
		{"explicit opt-in over dnt, allowed", with(func(s *Signals) { s.DNT = true }), overriding, consentproxy.ReasonForwarded},
		{"gpc without consent, override allowed", Signals{GPC: true}, overriding, consentproxy.ReasonGPC},
		{"gpc with a denial, override allowed", Signals{GPC: true, Consent: StateDenied}, overriding, consentproxy.ReasonGPC},
		{"opt-out cookie beats an override", with(func(s *Signals) { s.OptOut, s.GPC = true, true }), overriding, consentproxy.ReasonOptOut},
		// The jurisdiction's model.
		{"opt-out region, no cookie", Signals{Model: ModelOptOut}, both, consentproxy.ReasonForwarded},
		{"notice-only region, no cookie", Signals{Model: ModelNoticeOnly}, both, consentproxy.ReasonForwarded},
		{"opt-out region, invalid cookie", Signals{Model: ModelOptOut, Consent: StateInvalid}, both, consentproxy.ReasonForwarded},
		{"opt-out region, refusal", Signals{Model: ModelOptOut, Consent: StateDenied}, both, consentproxy.ReasonDenied},
		{"opt-out region, gcs denies", Signals{Model: ModelOptOut, GCS: GCSDenied}, both, consentproxy.ReasonDenied},
		{"opt-out region, gpc honoured", Signals{Model: ModelOptOut, GPC: true}, both, consentproxy.ReasonGPC},
		{"opt-out region, gpc whatever the flag", Signals{Model: ModelOptOut, GPC: true}, none, consentproxy.ReasonGPC},
		{"opt-out region, explicit opt-in over gpc", Signals{Model: ModelOptOut, GPC: true, Consent: StateGranted}, overriding, consentproxy.ReasonForwarded},
		{"notice-only region, gpc not honoured", Signals{Model: ModelNoticeOnly, GPC: true}, Policy{HonorDNT: true}, consentproxy.ReasonForwarded},
		{"notice-only region, gpc honoured", Signals{Model: ModelNoticeOnly, GPC: true}, both, consentproxy.ReasonGPC},
		{"opt-out region, opt-out cookie", Signals{Model: ModelOptOut, OptOut: true}, none, consentproxy.ReasonOptOut},
		{"opt-out region, bot", Signals{Model: ModelOptOut, Bot: true}, both, consentproxy.ReasonBot},
		{"opt-out region, dnt honoured", Signals{Model: ModelOptOut, DNT: true}, both, consentproxy.ReasonDNT},
		{"opt-out region, excluded", Signals{Model: ModelOptOut, Excluded: true}, both, consentproxy.ReasonExcluded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Decide(tt.s, tt.p); got != tt.want {
				t.Fatalf("Decide(%+v, %+v) = %v, want %v", tt.s, tt.p, got, tt.want)
			}
		})
	}
}

func TestParseGCS(t *testing.T) {
	for in, want := range map[string]GCS{
		"G100": GCSDenied, "G110": GCSDenied, "G101": GCSGranted, "G111": GCSGranted,
		"": GCSAbsent, "G1": GCSAbsent, "G102": GCSAbsent, "G200": GCSAbsent, "g111": GCSAbsent, "G1111": GCSAbsent, "G1x1": GCSAbsent,
	} {
		if got := ParseGCS(in); got != want {
			t.Errorf("ParseGCS(%q) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	s := Signals{Consent: StateGranted, GCS: GCSGranted}
	p := Policy{HonorDNT: true, HonorGPC: true}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if Decide(s, p) != consentproxy.ReasonForwarded {
			b.Fatal("wrong")
		}
	}
}
