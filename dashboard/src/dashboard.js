// The dashboard page: reads the query API with the session cookie and the
// CSRF header, and renders numbers, an SVG chart and tables. No framework,
// no inline code (the page runs under script-src 'self'). Runs last of the
// files of src/, inside the one function assets.go wraps them in.

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
try { CHANNELS = JSON.parse(root.getAttribute("data-channels") || "{}"); } catch (e) { /* slugs then */ }
var siteEl = document.getElementById("site");
var periodEl = document.getElementById("period");
var fromEl = document.getElementById("from");
var toEl = document.getElementById("to");
var statusEl = document.getElementById("status");
var generation = 0; // a newer load makes older answers stale
var lastSeries = null, lastBucket = null, resizeTimer = 0;

// Long periods use coarse buckets: 12 months of hours is 8760 bars that
// no screen can show; days and weeks keep the chart readable and fast.
var BUCKETS = { today: "time:hour", "7d": "time:hour", "30d": "time:day", month: "time:day", "12mo": "time:week" };

function site() { return (siteEl.value || "").trim(); }
function custom() { return periodEl.value === "custom"; }
function dateRange() { return custom() ? [fromEl.value, toEl.value] : periodEl.value; }
function bucketOf() {
  if (!custom()) return BUCKETS[periodEl.value] || "time:day";
  var days = daysBetween(fromEl.value, toEl.value) + 1;
  return days <= 3 ? "time:hour" : days <= 92 ? "time:day" : days <= 731 ? "time:week" : "time:month";
}
function periodName() { return custom() ? fromEl.value + "_" + toEl.value : periodEl.value; }

function query(extra) {
  var q = { site: site(), date_range: dateRange(), timezone: tz };
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

function tableQuery(section, limit) {
  var metrics = section.getAttribute("data-metrics").split(",");
  return query({ metrics: metrics, dimensions: [section.getAttribute("data-dim")], order_by: [[metrics[0], "desc"]], limit: limit });
}

function fillTable(section, res) {
  var metrics = section.getAttribute("data-metrics").split(","), dim = section.getAttribute("data-dim");
  var tbody = section.querySelector("tbody");
  tbody.textContent = "";
  if (!res.results.length) emptyRow(tbody, metrics.length + 1, "No data for this period");
  res.results.forEach(function (row) {
    rowOf(tbody, dimLabel(dim, row.dimensions[0]), row.metrics.map(function (v, i) { return fmt(metrics[i], v); }));
  });
  note(section, res.meta);
}

var OUTCOMES = { accept_all: "Accepted", reject_all: "Rejected", custom: "Custom", withdraw: "Withdrawn" };
function fillConsent(section, res) {
  var ul = document.getElementById("consent-bars");
  ul.textContent = "";
  var counts = { accept_all: 0, reject_all: 0, custom: 0, withdraw: 0 }, total = 0;
  res.results.forEach(function (r) { var n = num(r.metrics[0]); counts[r.dimensions[0]] = (counts[r.dimensions[0]] || 0) + n; total += n; });
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

function setStatus(msg) { statusEl.textContent = msg; }

// scrollable makes a table's box that scrolls sideways (a long path on a
// phone) reachable by keyboard, named by its card; one that fits is no
// tab stop.
function scrollable() {
  Array.prototype.forEach.call(root.querySelectorAll(".scroll"), function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      var h = box.closest("section").querySelector("h2");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (h ? h.textContent : "Table") + ", scrolls sideways");
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}

// showRange puts the period's dates, as the API resolved them, into the
// date inputs, so a custom range starts from what is shown.
function showRange(meta) {
  if (custom() || !meta || !meta.from) return;
  fromEl.value = local(Date.parse(meta.from)).date;
  toEl.value = local(Date.parse(meta.to) - 1).date;
}

function checkRange() {
  var ok = validDate(fromEl.value) && validDate(toEl.value) && fromEl.value <= toEl.value;
  fromEl.setAttribute("aria-invalid", String(!ok));
  toEl.setAttribute("aria-invalid", String(!ok));
  if (!ok) setStatus(validDate(fromEl.value) && validDate(toEl.value) ? "The start date is after the end date." : "Enter both dates of the range.");
  return ok;
}

function loadGoalChannels(goal, gen) {
  return request(query(CARDS["goal-channels"](goal))).then(function (res) {
    if (gen === generation) fillGoalChannels(goal, res);
  });
}

function load() {
  if (!site()) { setStatus("Enter a site's measurement id."); return; }
  if (custom() && !checkRange()) return;
  fromEl.removeAttribute("aria-invalid");
  toEl.removeAttribute("aria-invalid");
  var gen = ++generation, bucket = bucketOf();
  setStatus("Loading…");
  root.setAttribute("aria-busy", "true");
  var jobs = [];
  function job(q, fill) {
    jobs.push(request(query(q)).then(function (res) { if (gen === generation) return fill(res); }));
  }
  var KPIS = ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "engagement_time"];
  job({ metrics: KPIS }, function (res) {
    var row = res.results[0] || { metrics: [] };
    KPIS.forEach(function (m, i) { document.querySelector('#kpis [data-metric="' + m + '"]').textContent = fmt(m, row.metrics[i]); });
    showRange(res.meta);
  });
  job({ metrics: ["consent_rate", "suppressed", "filtered"] }, function (res) {
    var row = res.results[0] || { metrics: [] };
    document.querySelector('#kpis [data-metric="consent_rate"]').textContent = fmt("consent_rate", row.metrics[0]);
    document.getElementById("suppressed").textContent = fmt("suppressed", row.metrics[1] || 0);
    document.getElementById("filtered").textContent = fmt("filtered", row.metrics[2] || 0);
  });
  job({ metrics: ["visitors", "pageviews"], dimensions: [bucket], order_by: [[bucket, "asc"]], limit: 10000 }, function (res) {
    lastBucket = bucket;
    lastSeries = series(res, bucket);
    chart(lastSeries);
  });
  job(CARDS.goals(), function (res) {
    var goal = fillGoals(res);
    if (goal) return loadGoalChannels(goal, gen);
  });
  job(CARDS.funnels(), fillFunnels);
  job(CARDS["coverage-total"](), fillCoverageTotal);
  var counted = request(query(CARDS["coverage-counted"]())), ga4 = request(query(CARDS.coverage()));
  jobs.push(Promise.all([counted, ga4]).then(function (both) { if (gen === generation) fillCoverage(both[0], both[1]); }));
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
    scrollable();
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
  else if (id === "goal-channels") q = query(CARDS[id](document.getElementById("goal-pick").value));
  else if (has(CARDS, id)) q = query(CARDS[id]());
  else q = query({ metrics: ["visitors", "pageviews"], dimensions: [lastBucket || bucketOf()], order_by: [[lastBucket || bucketOf(), "asc"]], limit: 10000 });
  request(q, true).then(function (text) {
    var a = el("a", { download: "consentproxy-" + site() + "-" + id + "-" + periodName() + ".csv" });
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
[fromEl, toEl].forEach(function (input) {
  input.addEventListener("change", function () {
    periodEl.value = "custom";
    if (checkRange()) load();
  });
});
if (siteEl.tagName === "SELECT") siteEl.addEventListener("change", load);
document.getElementById("goal-pick").addEventListener("change", function (e) {
  var gen = generation;
  loadGoalChannels(e.target.value, gen).then(scrollable).catch(function (err) { setStatus("The breakdown failed to load: " + err.message); });
});
root.addEventListener("click", function (e) {
  var b = e.target.closest("button[data-csv]");
  if (b) download(b.getAttribute("data-csv"));
});
window.addEventListener("resize", function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () { if (lastSeries) chart(lastSeries); scrollable(); }, 150);
});
setInterval(realtime, 30000);
if (site()) load(); else setStatus("Enter a site's measurement id and choose Show.");
