// Simulates Global Privacy Control for the demo's ?gpc=1 pages: the banner
// reads navigator.globalPrivacyControl, as it does in Firefox or Brave with
// GPC on. (A page cannot add the Sec-GPC header that such a browser also
// sends; the proxy's server-side check of it is shown by the tests.)
Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: function () { return true; }, configurable: true });
