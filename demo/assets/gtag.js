/*
 * The stand-in for gtag.js that the demo (--demo) and the browser tests serve.
 *
 * A stand-in for Google's gtag.js, served by the stub GTM upstream so the
 * browser tests never reach Google. It does the few things the real script
 * does that the proxy and the banner depend on:
 *   - reads the commands already queued in window.dataLayer (gtag() pushes
 *     its `arguments`) and takes over dataLayer.push for later ones;
 *   - tracks Consent Mode ('consent' 'default' / 'update') and, like the real
 *     tag, waits up to wait_for_update ms for an update before the first hit;
 *     a default with a region list applies, as in the real tag, only to a
 *     visitor in one of those regions: the stand-in places nobody, so it
 *     keeps the global default;
 *   - on 'config' sends a GA4 page_view to {transport_url or
 *     server_container_url or the Google origin}/g/collect with
 *     gcs=G1<ad_storage><analytics_storage>, by sendBeacon (fetch as a
 *     fallback), credentials included;
 *   - sets the _ga and _ga_<container> cookies on the widest domain it can
 *     (cookie_domain "auto"), only when analytics_storage is granted, as the
 *     real tag does.
 * Marker for tests: window.__fakeGtag.hits counts the hits it sent.
 */
(function () {
  "use strict";
  var w = window;
  var dl = (w.dataLayer = w.dataLayer || []);
  var state = { ad_storage: "granted", analytics_storage: "granted" };
  var waitFor = 0;
  var updated = false;
  var fake = (w.__fakeGtag = w.__fakeGtag || { hits: 0, sent: [] });

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return "";
  }
  function rand() {
    return Math.floor(Math.random() * 2147483647) + 1;
  }
  function now() {
    return Math.floor(Date.now() / 1000);
  }
  // cookie_domain "auto", as gtag does it: the widest domain the browser
  // accepts (example.test for www.example.test), host-only for an IP.
  function setCookie(name, value) {
    var base = name + "=" + value + "; path=/; max-age=" + 63072000 + "; SameSite=Lax";
    var host = location.hostname;
    if (!/^[0-9.]+$/.test(host) && host.indexOf(":") < 0) {
      var labels = host.split(".");
      for (var i = labels.length - 2; i >= 0; i--) {
        document.cookie = base + "; domain=" + labels.slice(i).join(".");
        if (cookie(name) === value) return;
      }
    }
    document.cookie = base;
  }

  function clientID() {
    var ga = cookie("_ga"); // GA1.1.<random>.<seconds>
    var m = /^GA1\.\d\.(\d+\.\d+)$/.exec(ga);
    return m ? m[1] : rand() + "." + now();
  }

  function send(id, params) {
    var analytics = state.analytics_storage === "granted";
    var cid = clientID();
    var sid = String(now());
    if (analytics) {
      setCookie("_ga", "GA1.1." + cid);
      setCookie("_ga_" + id.replace(/^G-/, ""), "GS2.1.s" + sid + "$o1$g0$t" + sid + "$j60$l0$h0");
    }
    var transport = (params && (params.transport_url || params.server_container_url)) || "https://www.google-analytics.com";
    transport = transport.replace(/\/+$/, "");
    var q = [
      ["v", "2"],
      ["tid", id],
      ["gtm", "45je0000"],
      ["_p", String(rand())],
      ["gcs", "G1" + (state.ad_storage === "granted" ? "1" : "0") + (analytics ? "1" : "0")],
      ["cid", cid],
      ["ul", (navigator.language || "").toLowerCase()],
      ["sr", screen.width + "x" + screen.height],
      ["_s", "1"],
      ["sid", sid],
      ["sct", "1"],
      ["seg", "0"],
      ["dl", location.href],
      ["dt", document.title],
      ["en", "page_view"],
      ["_fv", "1"],
      ["_ss", "1"],
    ];
    var url = transport + "/g/collect?" + q.map(function (kv) {
      return kv[0] + "=" + encodeURIComponent(kv[1]);
    }).join("&");
    fake.hits++;
    fake.sent.push(url);
    if (navigator.sendBeacon && navigator.sendBeacon(url)) return;
    if (w.fetch) w.fetch(url, { method: "POST", credentials: "include", keepalive: true, mode: "no-cors" });
  }

  var pending = [];
  function flush() {
    var p = pending;
    pending = [];
    for (var i = 0; i < p.length; i++) send(p[i][0], p[i][1]);
  }

  function handle(cmd) {
    var a = Array.prototype.slice.call(cmd);
    if (a[0] === "consent" && a[2] && typeof a[2] === "object" && !(a[1] === "default" && a[2].region)) {
      for (var k in a[2]) {
        if (k === "wait_for_update") waitFor = Number(a[2][k]) || 0;
        else if (k in state || /_(storage|user_data|personalization)$/.test(k)) state[k] = a[2][k];
      }
      if (a[1] === "update") {
        updated = true;
        flush();
      }
    } else if (a[0] === "config" && typeof a[1] === "string") {
      if (waitFor > 0 && !updated) {
        pending.push([a[1], a[2]]);
        setTimeout(flush, Math.min(waitFor, 2000));
      } else {
        setTimeout(send.bind(null, a[1], a[2]), 0);
      }
    }
  }

  for (var i = 0; i < dl.length; i++) {
    if (dl[i] && typeof dl[i] === "object" && "length" in dl[i]) handle(dl[i]);
  }
  var push = dl.push;
  dl.push = function () {
    for (var i = 0; i < arguments.length; i++) {
      var cmd = arguments[i];
      if (cmd && typeof cmd === "object" && "length" in cmd) handle(cmd);
    }
    return push.apply(dl, arguments);
  };
})();
