// The dashboard page: reads the query API with the session cookie and the
// CSRF header, and renders numbers, an SVG chart and tables. No framework,
// no inline code (the page runs under script-src 'self').
(function () {
  "use strict";
  // A sign-in link (#signin=<code>, printed by the proxy at start) signs
  // in at once. The code is in the fragment, so no server, proxy or access
  // log on the way sees it, and it leaves the address bar before the post;
  // the landing page keeps it for this tab in sessionStorage, used once.
  var m = /^#signin=([A-Za-z0-9_-]{20,100})$/.exec(location.hash);
  var code = m && m[1];
  try {
    code = code || sessionStorage.getItem("consentproxy-signin");
    sessionStorage.removeItem("consentproxy-signin");
  } catch (e) { /* storage off: the fragment alone */ }
  var signin = document.getElementById("signin");
  if (m) history.replaceState(null, "", location.pathname + location.search);
  if (code && signin && !signin.hasAttribute("data-error")) {
    signin.elements.token.value = code;
    signin.submit();
    return;
  }
  var root = document.getElementById("dash");
  if (!root) return;
  var csrf = root.getAttribute("data-csrf");
  var siteEl = document.getElementById("site");
  var periodEl = document.getElementById("period");
  var statusEl = document.getElementById("status");
  var tz = "UTC";
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
  var SVGNS = "http://www.w3.org/2000/svg";
  var generation = 0; // a newer load makes older answers stale
  var lastSeries = null, lastChart = null, resizeTimer = 0;

  // Long periods use coarse buckets: 12 months of hours is 8760 points that
  // no screen can show; days and weeks keep the chart readable and fast.
  var BUCKETS = { today: "time:hour", "7d": "time:hour", "30d": "time:day", month: "time:day", "12mo": "time:week" };

  function site() { return (siteEl.value || "").trim(); }

  function query(extra) {
    var q = { site: site(), date_range: periodEl.value, timezone: tz };
    for (var k in extra) q[k] = extra[k];
    return q;
  }

  function request(q, csv) {
    return fetch("api/v1/query" + (csv ? "?format=csv" : ""), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Consentproxy-CSRF": csrf, Accept: csv ? "text/csv" : "application/json" },
      body: JSON.stringify(q)
    }).then(function (r) {
      if (r.status === 401) { location.reload(); throw new Error("Your session ended; sign in again."); }
      if (!r.ok) return r.text().then(function (t) { throw new Error(t.trim() || r.statusText); });
      return csv ? r.text() : r.json();
    });
  }

  var nf = new Intl.NumberFormat();
  function fmt(metric, v) {
    if (v === null || v === undefined) return "–";
    if (metric === "bounce_rate" || metric === "consent_rate") return Number(v).toFixed(1).replace(/\.0$/, "") + "%"; // the API sends percents
    if (metric === "visit_duration" || metric === "engagement_time") {
      var s = Math.round(Number(v)), m = Math.floor(s / 60);
      return m ? m + "m " + (s % 60) + "s" : s + "s";
    }
    return nf.format(Number(v));
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function note(section, meta) {
    var p = section.querySelector(".note");
    if (!p) return;
    if (meta && meta.suppressed_rows > 0) {
      p.textContent = meta.suppressed_rows + (meta.suppressed_rows === 1 ? " row" : " rows") +
        " with fewer than " + meta.min_count + " visitors " + (meta.other_withheld ? "withheld" : "folded into “(other)”") +
        " so that no one can be singled out.";
      p.hidden = false;
    } else {
      p.hidden = true;
    }
  }

  function tableQuery(section, limit) {
    var metrics = section.getAttribute("data-metrics").split(",");
    return query({ metrics: metrics, dimensions: [section.getAttribute("data-dim")], order_by: [[metrics[0], "desc"]], limit: limit });
  }

  // GA4's names of the default channel group (dims.ChannelLabel), so the
  // table reads like GA4's; the API and CSV keep the stored slugs.
  var CHANNELS = { direct: "Direct", cross_network: "Cross-network", paid_shopping: "Paid Shopping",
    paid_search: "Paid Search", paid_social: "Paid Social", paid_video: "Paid Video", display: "Display",
    paid_other: "Paid Other", organic_shopping: "Organic Shopping", social: "Organic Social",
    organic_video: "Organic Video", organic_search: "Organic Search", referral: "Referral", email: "Email",
    affiliates: "Affiliates", audio: "Audio", sms: "SMS", mobile_push_notifications: "Mobile Push Notifications",
    unassigned: "Unassigned", ai_assistant: "AI assistant" };
  function fillTable(section, res) {
    var metrics = section.getAttribute("data-metrics").split(",");
    var labels = section.getAttribute("data-dim") === "channel" ? CHANNELS : null;
    var tbody = section.querySelector("tbody");
    tbody.textContent = "";
    if (!res.results.length) {
      var tr = el("tr");
      tr.appendChild(el("td", { colspan: String(metrics.length + 1), "class": "empty" }, "No data for this period"));
      tbody.appendChild(tr);
    }
    res.results.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, (labels && Object.prototype.hasOwnProperty.call(labels, row.dimensions[0]) ? labels[row.dimensions[0]] : row.dimensions[0]) || "(none)"));
      row.metrics.forEach(function (v, i) { tr.appendChild(el("td", { "class": "num" }, fmt(metrics[i], v))); });
      tbody.appendChild(tr);
    });
    note(section, res.meta);
  }

  var OUTCOMES = { accept_all: "Accepted", reject_all: "Rejected", custom: "Custom", withdraw: "Withdrawn" };
  function fillConsent(section, res) {
    var ul = document.getElementById("consent-bars");
    ul.textContent = "";
    var counts = { accept_all: 0, reject_all: 0, custom: 0, withdraw: 0 }, total = 0;
    res.results.forEach(function (r) { var n = Number(r.metrics[0]) || 0; counts[r.dimensions[0]] = (counts[r.dimensions[0]] || 0) + n; total += n; });
    Object.keys(counts).forEach(function (k) {
      var n = counts[k], pct = total ? Math.round(n * 100 / total) : 0;
      var li = el("li", { "class": "bar bar-" + k });
      li.appendChild(el("span", { "class": "bar-label" }, OUTCOMES[k] || k));
      var track = el("span", { "class": "bar-track", "aria-hidden": "true" });
      var fill = el("span", { "class": "bar-fill" });
      fill.style.width = pct + "%";
      track.appendChild(fill);
      li.appendChild(track);
      li.appendChild(el("span", { "class": "bar-value" }, nf.format(n) + " (" + pct + "%)"));
      ul.appendChild(li);
    });
    note(section, res.meta);
  }

  // chart draws visitors and pageviews as two lines with a light grid.
  // More points than pixels are thinned to the per-pixel maximum, so even a
  // year of hours draws in a few milliseconds.
  function chart(res, bucket) {
    var box = document.getElementById("chart");
    box.textContent = "";
    // Buckets under the API's minimum count come back folded into one
    // "(other)" row: it is no point in time, so it is left out and said.
    var folded = res.results.filter(function (r) { return r.dimensions[0] === "(other)"; }).length > 0;
    var pts = res.results.filter(function (r) { return r.dimensions[0] !== "(other)"; })
      .map(function (r) { return { t: r.dimensions[0], v: Number(r.metrics[0]) || 0, p: Number(r.metrics[1]) || 0 }; });
    // Drawn at the box's own width, so text stays 12 px on a phone too.
    var W = Math.max(300, Math.min(1400, Math.round(box.clientWidth) || 800)), H = W < 500 ? 200 : 260, L = 44, R = 12, T = 12, B = 28;
    if (pts.length > W - L - R) {
      var step = pts.length / (W - L - R), thin = [];
      for (var i = 0; i < pts.length; i += step) {
        var slice = pts.slice(Math.floor(i), Math.floor(i + step));
        thin.push(slice.reduce(function (a, b) { return { t: a.t, v: Math.max(a.v, b.v), p: Math.max(a.p, b.p) }; }));
      }
      pts = thin;
    }
    var max = 1;
    pts.forEach(function (d) { max = Math.max(max, d.v, d.p); });
    max = niceMax(max);
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    var total = res.results.reduce(function (a, r) { return [a[0] + (Number(r.metrics[0]) || 0), a[1] + (Number(r.metrics[1]) || 0)]; }, [0, 0]);
    svg.setAttribute("aria-label", "Visitors and pageviews per " + bucket.slice(5) + ": " + pts.length + " points, peak " +
      nf.format(Math.max.apply(null, pts.map(function (d) { return d.p; }).concat([0]))) + " pageviews, " +
      nf.format(total[1]) + " pageviews in total.");
    function x(i) { return L + (pts.length < 2 ? (W - L - R) / 2 : i * (W - L - R) / (pts.length - 1)); }
    function y(v) { return T + (H - T - B) * (1 - v / max); }
    function svgEl(tag, attrs, text) {
      var e = document.createElementNS(SVGNS, tag);
      for (var k in attrs) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e);
      return e;
    }
    for (var g = 0; g <= 4; g++) {
      var gv = max * g / 4;
      svgEl("line", { x1: L, x2: W - R, y1: y(gv), y2: y(gv), "class": "grid" });
      svgEl("text", { x: L - 6, y: y(gv) + 4, "class": "axis", "text-anchor": "end" }, compact(gv));
    }
    if (pts.length) {
      [0, Math.floor((pts.length - 1) / 2), pts.length - 1].forEach(function (i, n, all) {
        if (n && all[n - 1] === i) return;
        svgEl("text", { x: x(i), y: H - 8, "class": "axis", "text-anchor": n === 0 ? "start" : n === 2 ? "end" : "middle" }, label(pts[i].t, bucket));
      });
      ["p", "v"].forEach(function (k) {
        var d = pts.map(function (pt, i) { return (i ? "L" : "M") + x(i).toFixed(1) + " " + y(pt[k]).toFixed(1); }).join("");
        svgEl("path", { d: d, "class": "line line-" + k });
        if (pts.length === 1) svgEl("circle", { cx: x(0), cy: y(pts[0][k]), r: 4, "class": "dot-" + k });
      });
    } else {
      svgEl("text", { x: W / 2, y: H / 2, "class": "axis", "text-anchor": "middle" }, "No data for this period");
    }
    box.appendChild(svg);
    document.getElementById("chart-note").textContent = "· per " + bucket.slice(5) +
      (folded ? " · " + bucket.slice(5) + "s with too few visitors to show are left out" : "");
  }

  function niceMax(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function compact(v) { return v >= 1e6 ? (v / 1e6) + "M" : v >= 1e3 ? (v / 1e3) + "k" : String(Math.round(v * 10) / 10); }
  function label(t, bucket) {
    var d = new Date(t);
    if (isNaN(d)) return String(t);
    if (bucket === "time:hour") return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", timeZone: tz });
    return d.toLocaleDateString(undefined, { month: "short", day: "numeric", year: bucket === "time:week" ? "2-digit" : undefined, timeZone: tz });
  }

  function setStatus(msg) { statusEl.textContent = msg; }

  function load() {
    if (!site()) { setStatus("Enter a site's measurement id."); return; }
    var gen = ++generation, bucket = BUCKETS[periodEl.value] || "time:day";
    setStatus("Loading…");
    root.setAttribute("aria-busy", "true");
    var jobs = [];
    jobs.push(request(query({ metrics: ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "engagement_time"] })).then(function (res) {
      if (gen !== generation) return;
      var row = res.results[0] || { metrics: [] };
      ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "engagement_time"].forEach(function (m, i) {
        document.querySelector('#kpis [data-metric="' + m + '"]').textContent = fmt(m, row.metrics[i]);
      });
    }));
    jobs.push(request(query({ metrics: ["consent_rate", "suppressed", "filtered"] })).then(function (res) {
      if (gen !== generation) return;
      var row = res.results[0] || { metrics: [] };
      document.querySelector('#kpis [data-metric="consent_rate"]').textContent = fmt("consent_rate", row.metrics[0]);
      document.getElementById("suppressed").textContent = fmt("suppressed", row.metrics[1] || 0);
      document.getElementById("filtered").textContent = fmt("filtered", row.metrics[2] || 0);
    }));
    jobs.push(request(query({ metrics: ["visitors", "pageviews"], dimensions: [bucket], order_by: [[bucket, "asc"]], limit: 10000 })).then(function (res) {
      if (gen !== generation) return;
      lastSeries = bucket;
      lastChart = res;
      chart(res, bucket);
    }));
    Array.prototype.forEach.call(root.querySelectorAll("section[data-dim]"), function (section) {
      jobs.push(request(tableQuery(section, 10)).then(function (res) {
        if (gen !== generation) return;
        if (section.getAttribute("data-dim") === "consent_outcome") fillConsent(section, res); else fillTable(section, res);
      }));
    });
    Promise.allSettled(jobs).then(function (out) {
      if (gen !== generation) return;
      root.removeAttribute("aria-busy");
      var failed = out.filter(function (o) { return o.status === "rejected"; });
      setStatus(failed.length ? "Some parts failed to load: " + failed[0].reason.message : "Updated " + new Date().toLocaleTimeString() + ".");
      root.setAttribute("data-loaded", String(gen));
    });
    realtime();
  }

  function realtime() {
    if (!site()) return;
    fetch("api/v1/realtime?site=" + encodeURIComponent(site()), { credentials: "same-origin", headers: { "X-Consentproxy-CSRF": csrf } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { document.getElementById("realtime").textContent = j ? nf.format(j.visitors) : "–"; })
      .catch(function () { document.getElementById("realtime").textContent = "–"; });
  }

  function download(id) {
    var q, section = root.querySelector('section[data-table="' + id + '"]');
    if (section) q = tableQuery(section, 10000);
    else q = query({ metrics: ["visitors", "pageviews"], dimensions: [lastSeries || BUCKETS[periodEl.value]], order_by: [[lastSeries || BUCKETS[periodEl.value], "asc"]], limit: 10000 });
    request(q, true).then(function (text) {
      var a = el("a", { download: "consentproxy-" + site() + "-" + id + "-" + periodEl.value + ".csv" });
      a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      setStatus("Downloaded " + id + " as CSV.");
    }).catch(function (e) { setStatus("Download failed: " + e.message); });
  }

  document.getElementById("controls").addEventListener("submit", function (e) { e.preventDefault(); load(); });
  periodEl.addEventListener("change", load);
  if (siteEl.tagName === "SELECT") siteEl.addEventListener("change", load);
  root.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-csv]");
    if (b) download(b.getAttribute("data-csv"));
  });
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (lastChart) chart(lastChart, lastSeries); }, 150);
  });
  setInterval(realtime, 30000);
  if (site()) load(); else setStatus("Enter a site's measurement id and choose Show.");
})();
