// Evaluated by TestBannerRace (e2e/peers_test.go) once a visit is over:
// the visit as the page's own timeline saw it, ms since navigation start.
// reqs and bytes count the responses complete before the banner painted,
// the document included (transferSize: 0 when served from the cache);
// before, the bytes complete before gtag.js started; cached, the responses
// served from the cache (same-origin ones: others show no sizes); failed,
// those answered 4xx or 5xx.
(() => {
  const r = window.__race || {}, nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource"), all = [nav].concat(res);
  const done = (ms) => all.filter((e) => e.responseEnd > 0 && e.responseEnd <= ms);
  const sum = (l) => l.reduce((s, e) => s + e.transferSize, 0);
  const g = res.find((e) => e.name.includes("/gtag/js?")), gt = g ? g.startTime : -1;
  const upto = r.painted > 0 ? done(r.painted) : [];
  return {painted: r.painted || 0, elt: r.elt || 0, fcp: r.fcp || 0, reqs: upto.length, bytes: sum(upto),
    gtag: gt, cached: all.filter((e) => e.transferSize === 0 && e.decodedBodySize > 0).length,
    failed: all.filter((e) => e.responseStatus >= 400).map((e) => e.responseStatus + " " + e.name),
    before: gt >= 0 ? sum(done(gt)) : 0, csp: (window.__cpTest && window.__cpTest.csp) || [],
    trace: all.map((e) => Math.round(e.startTime) + "→" + Math.round(e.responseEnd) + " " + e.transferSize + "B " +
      e.name.replace(location.origin, "").slice(0, 60)).join("\n\t")};
})()
