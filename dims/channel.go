package dims

import "strings"

// Channels. The values are stored (sources.channel) and marketing queries
// filter on them, so a slug never changes meaning: the ones that predate
// GA4 parity keep their spelling ("social" is GA4's Organic Social).
const (
	ChannelDirect                  = "direct"
	ChannelCrossNetwork            = "cross_network"
	ChannelPaidShopping            = "paid_shopping"
	ChannelPaidSearch              = "paid_search"
	ChannelPaidSocial              = "paid_social"
	ChannelPaidVideo               = "paid_video"
	ChannelDisplay                 = "display"
	ChannelPaidOther               = "paid_other"
	ChannelOrganicShopping         = "organic_shopping"
	ChannelSocial                  = "social" // GA4's "Organic Social"
	ChannelOrganicVideo            = "organic_video"
	ChannelOrganicSearch           = "organic_search"
	ChannelReferral                = "referral"
	ChannelEmail                   = "email"
	ChannelAffiliates              = "affiliates"
	ChannelAudio                   = "audio"
	ChannelSMS                     = "sms"
	ChannelMobilePushNotifications = "mobile_push_notifications"
	ChannelUnassigned              = "unassigned"
	// ChannelAIAssistant is not a GA4 channel: only Options.AIChannel
	// produces it (GA4 counts AI assistants as referrals).
	ChannelAIAssistant = "ai_assistant"
)

// channelTable is GA4's default channel group in its rule order, then ours.
var channelTable = [...]struct{ slug, label string }{
	{ChannelDirect, "Direct"},
	{ChannelCrossNetwork, "Cross-network"},
	{ChannelPaidShopping, "Paid Shopping"},
	{ChannelPaidSearch, "Paid Search"},
	{ChannelPaidSocial, "Paid Social"},
	{ChannelPaidVideo, "Paid Video"},
	{ChannelDisplay, "Display"},
	{ChannelPaidOther, "Paid Other"},
	{ChannelOrganicShopping, "Organic Shopping"},
	{ChannelSocial, "Organic Social"},
	{ChannelOrganicVideo, "Organic Video"},
	{ChannelOrganicSearch, "Organic Search"},
	{ChannelReferral, "Referral"},
	{ChannelEmail, "Email"},
	{ChannelAffiliates, "Affiliates"},
	{ChannelAudio, "Audio"},
	{ChannelSMS, "SMS"},
	{ChannelMobilePushNotifications, "Mobile Push Notifications"},
	{ChannelUnassigned, "Unassigned"},
	{ChannelAIAssistant, "AI assistant"},
}

// Channels lists every value Source.Channel can take, in GA4's rule order
// (Direct first, Unassigned last of GA4's), then ChannelAIAssistant, which
// only Options.AIChannel produces.
func Channels() []string {
	out := make([]string, len(channelTable))
	for i, c := range channelTable {
		out[i] = c.slug
	}
	return out
}

// ChannelLabel is the name GA4 shows for a channel slug ("social" →
// "Organic Social"), so reports read like GA4's while the stored value stays
// the slug. An unknown slug is returned unchanged.
func ChannelLabel(slug string) string {
	for _, c := range channelTable {
		if c.slug == slug {
			return c.label
		}
	}
	return slug
}

// traffic is the session source, medium and campaign as GA4 would derive
// them for the hit (see SourceWith); the channel is a function of it.
type traffic struct {
	source, medium, campaign string
	webmail                  bool // referrer is a webmail host: our Email deviation
}

// GA4's placeholder values.
const (
	notSet     = "(not set)"
	directSrc  = "(direct)"
	noneMedium = "(none)"
)

// channelOf applies GA4's default channel group, rule by rule in Google's
// order (support.google.com/analytics/answer/9756891). Values are compared
// lower case; GA4's rules are not case-sensitive and ours are normalized.
// "Source matches a list" is an exact match against Google's
// source-category list.
func channelOf(t traffic) string {
	src, med, camp := t.source, t.medium, t.campaign
	if t.webmail {
		return ChannelEmail // deliberate deviation, see data/README.txt
	}
	cat := categories[src]
	paid := isPaidMedium(med)
	shopCamp := isShoppingCampaign(camp)
	switch {
	// Direct: Source exactly matches "(direct)" AND Medium is one of
	// ("(not set)", "(none)").
	case src == directSrc && (med == noneMedium || med == notSet):
		return ChannelDirect
	// Cross-network: Campaign Name contains "cross-network".
	case strings.Contains(camp, "cross-network"):
		return ChannelCrossNetwork
	// Paid Shopping: (shopping source OR shopping campaign) AND paid medium.
	case (cat == catShopping || shopCamp) && paid:
		return ChannelPaidShopping
	case cat == catSearch && paid:
		return ChannelPaidSearch
	case cat == catSocial && paid:
		return ChannelPaidSocial
	case cat == catVideo && paid:
		return ChannelPaidVideo
	// Display: Medium is one of ("display", "banner", "expandable",
	// "interstitial", "cpm"). Only reached when no paid rule with a source
	// category matched: google / cpm is Paid Search in GA4 too.
	case med == "display" || med == "banner" || med == "expandable" || med == "interstitial" || med == "cpm":
		return ChannelDisplay
	case paid:
		return ChannelPaidOther
	case cat == catShopping || shopCamp:
		return ChannelOrganicShopping
	case cat == catSocial || med == "social" || med == "social-network" || med == "social-media" ||
		med == "sm" || med == "social network" || med == "social media":
		return ChannelSocial
	// Organic Video: video source OR Medium matches ^(.*video.*)$.
	case cat == catVideo || strings.Contains(med, "video"):
		return ChannelOrganicVideo
	case cat == catSearch || med == "organic":
		return ChannelOrganicSearch
	case med == "referral" || med == "app" || med == "link":
		return ChannelReferral
	// Email: Source = email|e-mail|e_mail|e mail OR Medium = the same.
	// Google's text is ambiguous here: it gives no anchors. GA4's "matches
	// regex" is a full match (which is why its other rules spell out
	// ^(.*video.*)$ where they mean "contains"), so we match exactly:
	// "newsletter-email" is Unassigned. (Velir/dbt-ga4 reads it as
	// "contains" instead.)
	case isEmailWord(src) || isEmailWord(med):
		return ChannelEmail
	case med == "affiliate":
		return ChannelAffiliates
	case med == "audio":
		return ChannelAudio
	case src == "sms" || med == "sms":
		return ChannelSMS
	// Mobile Push Notifications: Medium ends with "push" OR contains
	// "mobile" or "notification" OR Source exactly matches "firebase".
	case strings.HasSuffix(med, "push") || strings.Contains(med, "mobile") ||
		strings.Contains(med, "notification") || src == "firebase":
		return ChannelMobilePushNotifications
	}
	return ChannelUnassigned
}

// isPaidMedium is GA4's ^(.*cp.*|ppc|retargeting|paid.*)$.
func isPaidMedium(m string) bool {
	return strings.Contains(m, "cp") || m == "ppc" || m == "retargeting" || strings.HasPrefix(m, "paid")
}

// isShoppingCampaign is GA4's ^(.*(([^a-df-z]|^)shop|shopping).*)$: "shop"
// at the start or after anything but a lower-case letter other than 'e'
// ("eshop" and "summer-shop" match, "workshop" does not), or "shopping"
// anywhere. The preceding byte of a multi-byte rune is >= 0x80, which the
// class also accepts, so bytes suffice.
func isShoppingCampaign(c string) bool {
	if strings.Contains(c, "shopping") {
		return true
	}
	for i := 0; ; {
		j := strings.Index(c[i:], "shop")
		if j < 0 {
			return false
		}
		j += i
		if j == 0 {
			return true
		}
		if p := c[j-1]; p == 'e' || p < 'a' || p > 'z' {
			return true
		}
		i = j + 1
	}
}

func isEmailWord(s string) bool {
	return s == "email" || s == "e-mail" || s == "e_mail" || s == "e mail"
}
