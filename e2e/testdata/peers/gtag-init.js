// Google's gtag.js snippet, as a file: what each peer runs, with gtag.js
// itself, only once the visitor has accepted analytics. (An inline script
// would need 'unsafe-inline' in every peer's CSP; a site can do without it.)
window.dataLayer = window.dataLayer || [];
function gtag() {
  dataLayer.push(arguments);
}
gtag("js", new Date());
gtag("config", "__ID__");
