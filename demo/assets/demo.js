// The demo shop's panel: the visitor's choice, from the banner's events and
// state, and the latest hits the stand-in Google received, every 1.5 s.
(function () {
  "use strict";
  var choice = document.getElementById("choice");
  var total = document.getElementById("google-total");
  var list = document.getElementById("google-hits");
  var shown = ["en", "dl", "dr", "dt", "gcs", "_uip", "ul", "cid", "tid"];

  function describe(s, decided) {
    if (s.signal) return "opted out by " + s.signal.toUpperCase() + " (no banner, no tag)";
    if (!decided) return "none yet";
    return "analytics " + (s.analytics ? "on" : "off") + ", marketing " + (s.marketing ? "on" : "off");
  }
  // A change is a choice (made now, or stored from an earlier visit);
  // state() says whether there is one.
  document.addEventListener("consentproxy:change", function (e) {
    var s = window.consentproxy ? window.consentproxy.state() : {};
    choice.textContent = describe({ analytics: e.detail.analytics, marketing: e.detail.marketing, signal: s.signal }, true);
  });
  setTimeout(function () {
    if (window.consentproxy) {
      var s = window.consentproxy.state();
      if (s.signal || !s.decided || choice.textContent === "none yet") choice.textContent = describe(s, s.decided);
    }
  }, 800);

  var last = -1;
  function render(data) {
    if (data.total === last) return;
    last = data.total;
    total.textContent = String(data.total);
    list.textContent = "";
    data.hits.slice(0, 5).forEach(function (h) {
      var li = document.createElement("li");
      var t = document.createElement("strong");
      t.textContent = (h.event || "hit") + " at " + new Date(h.time).toLocaleTimeString();
      li.appendChild(t);
      var dl = document.createElement("dl");
      h.params.forEach(function (p) {
        if (shown.indexOf(p[0]) < 0) return;
        var dt = document.createElement("dt");
        dt.textContent = p[0];
        var dd = document.createElement("dd");
        dd.textContent = p[1];
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      li.appendChild(dl);
      list.appendChild(li);
    });
  }
  function poll() {
    fetch("/demo/google.json", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(render)
      .catch(function () { /* the next poll tries again */ })
      .then(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
