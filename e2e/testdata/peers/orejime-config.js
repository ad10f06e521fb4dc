// Orejime 3, configured as its README says: window.orejimeConfig, read by
// the standalone build, with the two required options (purposes and
// privacyPolicyUrl) and one purpose whose scripts are the page's
// <template data-purpose="analytics">.
window.orejimeConfig = {
  privacyPolicyUrl: "/privacy",
  purposes: [
    {
      id: "analytics",
      title: "Google Analytics",
      description: "Learns how visitors use this shop.",
      cookies: ["_ga", /^_ga_/],
    },
  ],
};
