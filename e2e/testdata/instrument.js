/*
 * Injected by the tests into every document before any page script runs
 * (Page.addScriptToEvaluateOnNewDocument, which CSP does not govern). It only
 * observes: layout shifts, when #cp-banner first becomes visible, the
 * consentproxy:change events, and CSP violations; and it gives the tests a
 * way into the banner's shadow root (q, qa, active).
 */
(function () {
  "use strict";
  var p = (window.__cpTest = {
    cls: 0,
    shifts: [],
    bannerVisible: null,
    events: [],
    csp: [],
  });
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.hadRecentInput) return;
        p.cls += e.value;
        p.shifts.push({
          value: e.value,
          at: e.startTime,
          sources: (e.sources || []).map(function (s) {
            var n = s.node;
            return n && n.nodeType === 1 ? n.tagName.toLowerCase() + (n.id ? "#" + n.id : "") : String(n && n.nodeName);
          }),
        });
      });
    }).observe({ type: "layout-shift", buffered: true });
  } catch (e) {
    p.shifts.push({ error: String(e) });
  }
  // The banner lives in the open shadow root of <consent-proxy>: q, qa and
  // active look there first, then in the document.
  function root() {
    var h = document.querySelector("consent-proxy");
    return h && h.shadowRoot;
  }
  p.q = function (sel) {
    var r = root();
    return (r && r.querySelector(sel)) || document.querySelector(sel);
  };
  p.qa = function (sel) {
    var r = root();
    return [].slice.call(r ? r.querySelectorAll(sel) : []).concat([].slice.call(document.querySelectorAll(sel)));
  };
  p.active = function () {
    var a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };
  function visible(el) {
    if (!el) return false;
    if (el.checkVisibility) return el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  (function poll() {
    if (visible(p.q("#cp-banner"))) {
      p.bannerVisible = performance.now();
      return;
    }
    requestAnimationFrame(poll);
  })();
  document.addEventListener("consentproxy:change", function (e) {
    p.events.push(JSON.parse(JSON.stringify(e.detail === undefined ? null : e.detail)));
  });
  // sourceFile is empty for code the tests evaluate through DevTools (axe-core
  // injects a <style> to read cross-origin sheets); those are not the page's.
  document.addEventListener("securitypolicyviolation", function (e) {
    if (e.sourceFile) p.csp.push(e.violatedDirective + " " + e.blockedURI + " from " + e.sourceFile + ":" + e.lineNumber);
  });
})();
