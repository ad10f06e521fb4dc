/*
 * Injected by TestBannerRace (e2e/peers_test.go) into every document before
 * any page script runs (Page.addScriptToEvaluateOnNewDocument, which CSP does
 * not govern). It only observes; all times are performance.now(), ms since
 * navigation start, the clock Resource Timing uses too.
 *
 *   painted  the banner element (__BANNER__, the tool's own element, found
 *            anew every frame) first renders visibly: a requestAnimationFrame
 *            poll, so the time is that of the frame that renders it, taken
 *            before its paint. This is the number the test reports.
 *   elt      cross-check: Element Timing's renderTime for the banner's text.
 *            The poll tags every element of the banner that holds text with
 *            elementtiming in the same frame, before that frame paints, so
 *            the entry is the banner's first text paint itself.
 *   fcp      first-contentful-paint (the page's, not the banner's).
 */
(function () {
  "use strict";
  var r = (window.__race = { painted: 0, elt: 0, fcp: 0 });
  function banner() {
    try {
      return __BANNER__;
    } catch (e) {
      return null;
    }
  }
  function visible(el) {
    if (!el || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    var b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  }
  function tag(el) {
    var all = [el].concat(Array.prototype.slice.call(el.querySelectorAll("*")));
    all.forEach(function (n) {
      if (n.hasAttribute("elementtiming")) return;
      for (var c = n.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3 && c.data.trim()) return n.setAttribute("elementtiming", "cp-race");
      }
    });
  }
  (function poll() {
    var b = banner();
    if (b) tag(b);
    if (visible(b)) {
      r.painted = performance.now();
      return;
    }
    requestAnimationFrame(poll);
  })();
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.identifier === "cp-race" && !r.elt) r.elt = e.renderTime || e.startTime;
      });
    }).observe({ type: "element", buffered: true });
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.name === "first-contentful-paint") r.fcp = e.startTime;
      });
    }).observe({ type: "paint", buffered: true });
  } catch (e) {
    r.error = String(e);
  }
})();
