// orestbida/cookieconsent v3, configured as its Getting Started says
// (cookieconsent-init.js): the two required fields, categories and
// language, with one analytics category whose scripts are the page's
// <script type="text/plain" data-category="analytics"> tags. One change
// from the defaults: hideFromBots, which stops the banner where
// navigator.webdriver is true, as it is in the test's automated browser.
CookieConsent.run({
  hideFromBots: false,
  categories: {
    necessary: { enabled: true, readOnly: true },
    analytics: { autoClear: { cookies: [{ name: /^_ga/ }] } },
  },
  language: {
    default: "en",
    translations: {
      en: {
        consentModal: {
          title: "We use cookies",
          description: "We use analytics cookies to learn how visitors use this shop.",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          showPreferencesBtn: "Manage preferences",
        },
        preferencesModal: {
          title: "Cookie preferences",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          savePreferencesBtn: "Save",
          closeIconLabel: "Close",
          sections: [
            { title: "Strictly necessary", description: "Needed for the site to work.", linkedCategory: "necessary" },
            { title: "Analytics", description: "Google Analytics.", linkedCategory: "analytics" },
          ],
        },
      },
    },
  },
});
