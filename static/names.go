package static

// Names the banner script uses in the visitor's browser and on the proxy.
// They are part of the public contract: the privacy notice lists them (so it
// can only list what the script really uses), and TestScriptNames holds
// src/consent.js to exactly these.
const (
	// RevisionCookie holds the site's own policy revision (data-revision)
	// a choice answered, for as long as the choice is valid.
	RevisionCookie = "cp_rev"
	// NoticeKey (localStorage) notes that the privacy-signal notice was
	// dismissed.
	NoticeKey = "cp_notice"
	// NoticePath is the proxy's generated privacy notice, which the
	// preferences modal links to (relative to the proxy's root).
	NoticePath = "/privacy"
)
