// Klaro 0.7, configured as its README and annotated dist/config.js say: a
// klaroConfig global read by klaro.js, one service whose scripts are the
// page's <script type="text/plain" data-name="google-analytics"> tags.
var klaroConfig = {
  version: 1,
  elementID: "klaro",
  storageMethod: "cookie",
  cookieName: "klaro",
  cookieExpiresAfterDays: 365,
  privacyPolicy: "/privacy",
  default: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  translations: {
    en: { purposes: { analytics: "Analytics" } },
  },
  services: [
    {
      name: "google-analytics",
      title: "Google Analytics",
      purposes: ["analytics"],
      cookies: [/^_ga/],
      required: false,
      optOut: false,
      onlyOnce: true,
    },
  ],
};
