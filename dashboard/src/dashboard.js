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
var compareEl = document.getElementById("compare");
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

// query is a card's question for the period and site chosen, with the
// page's filter; with cmp, also the comparison chosen.
function query(extra, cmp) {
  var q = { site: site(), date_range: dateRange(), timezone: tz };
  for (var k in extra) q[k] = extra[k];
  if (filter) q.filters = (q.filters || []).concat([["is", filter.dim, filter.value]]);
  if (cmp && compareEl.value) q.compare = compareEl.value;
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
    if (!r.ok) return r.text().then(function (t) { var e = new Error(t.trim() || r.statusText); e.status = r.status; throw e; });
    return csv ? r.text() : r.json();
  });
}

// A top table's question: its dimension (and details), its metrics, the
// first one's largest rows, its own filters (data-filters) and the page's.
function tableQuery(section, limit) {
  var metrics = section.getAttribute("data-metrics").split(","), own = section.getAttribute("data-filters");
  var q = { metrics: metrics, dimensions: [section.getAttribute("data-dim")].concat(detailsOf(section)), order_by: [[metrics[0], "desc"]], limit: limit };
  if (own) q.filters = JSON.parse(own);
  return query(q, true);
}
function detailsOf(section) { var d = section.getAttribute("data-details"); return d ? d.split(",") : []; }

// DETAILS name a table's more dimensions where their values are shown.
var DETAILS = { utm_term: "term", utm_content: "content" };
function detailText(dims, values) {
  return dims.map(function (d, i) { return values[i] ? (DETAILS[d] || d) + ": " + values[i] : ""; }).filter(Boolean).join(" · ");
}

// metricLabel is a table's column header of metric.
function metricLabel(section, m) {
  var i = section.getAttribute("data-metrics").split(",").indexOf(m);
  return section.querySelectorAll("thead th")[i + 1].textContent;
}

// fillTable fills a top table: each row a button that filters by its
// value, and with a comparison, the change of the first metric under it
// (a column of its own would not fit a phone).
function fillTable(section, res, refused) {
  var metrics = section.getAttribute("data-metrics").split(","), dim = section.getAttribute("data-dim"), more = detailsOf(section);
  var tbody = section.querySelector("tbody"), kind = res.query && res.query.compare;
  tbody.textContent = "";
  if (!res.results.length) emptyRow(tbody, metrics.length + 1, "No data for this period");
  res.results.forEach(function (row) {
    var tr = el("tr"), c = row.comparison || { metrics: [], change: [] }, v = row.dimensions[0], th = el("th", { scope: "row" });
    // A row of several values filters nothing: it is no one value.
    if (!more.length) tr.appendChild(rowButton(th, dim, v, dimLabel(dim, v)));
    else {
      tr.appendChild(wrapText(th, dimLabel(dim, v)));
      var d = v === "(other)" ? "" : detailText(more, row.dimensions.slice(1));
      if (d) th.appendChild(el("span", { "class": "detail" }, d));
    }
    row.metrics.forEach(function (v, i) {
      var td = tr.appendChild(el("td", { "class": "num" }, fmt(metrics[i], v)));
      if (kind && i === 0) td.appendChild(changeInto(el("span", { "class": "chg" }), metrics[0], c.change[0], row.metrics[0], c.metrics[0], COMPARES[kind][0]));
    });
    tbody.appendChild(tr);
  });
  note(section, res.meta);
  refuse(section, metricsRefused(refused || {}, function (m) { return metricLabel(section, m); }), true);
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
  var box = document.getElementById("goal-channels");
  return ask(query(CARDS["goal-channels"](goal))).then(function (a) {
    if (gen !== generation) return;
    refuse(box, "");
    fillGoalChannels(goal, a.res);
  }, function (e) { if (gen === generation) refuse(box, refusalText(e)); });
}

// The summary's figures, and why any of them is not shown.
var KPIS = ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "engagement_time"];
var kpiNotes = {};

// kpi shows a summary figure (text "" when refused, with why) and its change.
function kpi(key, text, why, row, i, metric, kind) {
  var dd = document.querySelector('#kpis [data-metric="' + key + '"]'), tile = dd.parentNode;
  tile.classList.toggle("refused", !!why);
  dd.textContent = why ? "–" : text;
  if (why) {
    kpiNotes[key] = why;
    var c = tile.querySelector(".kpi-change");
    c.hidden = false;
    c.className = "kpi-change chg-none";
    c.textContent = filter ? "not by " + filter.label : "failed";
  } else {
    delete kpiNotes[key];
    showKPIChange(key, metric, row, i, kind);
  }
  var box = document.getElementById("kpi-refusals"), by = {};
  box.textContent = "";
  Object.keys(kpiNotes).forEach(function (k) {
    var name = document.querySelector('#kpis [data-metric="' + k + '"]').parentNode.querySelector("dt").textContent;
    (by[kpiNotes[k]] = by[kpiNotes[k]] || []).push(name);
  });
  Object.keys(by).forEach(function (t) {
    var p = box.appendChild(el("p"));
    p.appendChild(el("strong", {}, by[t].join(", ") + (filter ? " not shown filtered by " + filterText() + "." : ":")));
    p.appendChild(document.createTextNode(" " + t));
  });
  box.hidden = !box.children.length;
}

function load() {
  if (!site()) { setStatus("Enter a site's measurement id."); return; }
  if (custom() && !checkRange()) return;
  fromEl.removeAttribute("aria-invalid");
  toEl.removeAttribute("aria-invalid");
  var gen = ++generation, bucket = bucketOf(), kind = compareEl.value, refusals = 0;
  setStatus("Loading…");
  root.setAttribute("aria-busy", "true");
  var jobs = [];
  // job runs a card's question: fill gets the answer; on a failure or a
  // refusal of the filter, the card is dimmed with why, and fail runs.
  function job(card, p, fill, fail) {
    jobs.push(p.then(function (a) {
      if (gen !== generation) return;
      if (card) {
        refuse(card, "");
        card.setAttribute("data-refused", Object.keys(a.refused || {}).join(","));
      }
      return fill(a.res, a.refused || {});
    }, function (e) {
      if (gen !== generation) return;
      if (card) refuse(card, refusalText(e));
      if (fail) fail(e);
      if (!e.refused) throw e;
      if (card) refusals++;
    }));
  }
  function why(e, m) { return e.refused && e.refused[m] || (e.refused ? e.message : "Failed to load: " + e.message); }
  job(null, ask(query({ metrics: KPIS }, true)), function (res, refused) {
    var row = res.results[0] || { metrics: [] };
    KPIS.forEach(function (m, i) { kpi(m, fmt(m, row.metrics[i]), refused[m], row, i, m, kind); });
    showRange(res.meta);
    compareNote(res.meta, kind);
  }, function (e) { KPIS.forEach(function (m) { kpi(m, "", why(e, m)); }); });
  job(null, ask(query({ metrics: ["consent_rate", "suppressed", "filtered"] }, true)), function (res, refused) {
    var row = res.results[0] || { metrics: [] };
    kpi("consent_rate", fmt("consent_rate", row.metrics[0]), refused.consent_rate, row, 0, "consent_rate", kind);
    document.getElementById("suppressed").textContent = refused.suppressed ? "–" : fmt("suppressed", row.metrics[1] || 0);
    document.getElementById("filtered").textContent = refused.filtered ? "–" : fmt("filtered", row.metrics[2] || 0);
  }, function (e) {
    kpi("consent_rate", "", why(e, "consent_rate"));
    document.getElementById("suppressed").textContent = document.getElementById("filtered").textContent = "–";
  });
  var chartCard = document.getElementById("chart").closest("section");
  job(chartCard, ask(chartQuery(bucket)), function (res, refused) {
    lastBucket = bucket;
    lastSeries = series(res, bucket, refused);
    chart(lastSeries);
    refuse(chartCard, metricsRefused(refused, function (m) { return m === "pageviews" ? "Pageviews" : "Visitors"; }), true);
  });
  job(document.getElementById("goals"), ask(query(CARDS.goals())), function (res) {
    var goal = fillGoals(res);
    if (goal) return loadGoalChannels(goal, gen);
  });
  job(document.getElementById("funnels"), ask(query(CARDS.funnels())), fillFunnels);
  job(null, ask(query(CARDS["coverage-total"](), true)), function (res) {
    fillCoverageTotal(res);
    kpi("ga4_coverage", document.querySelector('#kpis [data-metric="ga4_coverage"]').textContent, "", res.results[0], 1, "conversion_rate", kind);
  }, function (e) {
    kpi("ga4_coverage", "", why(e, "conversion_rate"));
    document.getElementById("coverage-total").textContent = "–";
  });
  var days = coverageBucket();
  job(document.getElementById("coverage"), Promise.all([ask(query(CARDS["coverage-counted"]())), ask(query(CARDS.coverage())),
    ask(query(CARDS["coverage-days"](days)))]).then(function (all) {
    return { res: all.map(function (a) { return a.res; }) };
  }), function (all) {
    fillCoverage(all[0], all[1]);
    fillCoverageDays(all[2], days);
  });
  job(document.getElementById("revenue"), ask(query(CARDS.revenue(), true)), function (res, refused) {
    var cur = fillRevenue(res, refused);
    if (cur) return loadRevenueChannels(cur, gen);
  });
  Array.prototype.forEach.call(root.querySelectorAll("section[data-dim]"), function (section) {
    job(section, ask(tableQuery(section, 10)), function (res, refused) {
      if (section.getAttribute("data-dim") === "consent_outcome") fillConsent(section, res); else fillTable(section, res, refused);
    });
  });
  Promise.allSettled(jobs).then(function (out) {
    if (gen !== generation) return;
    root.removeAttribute("aria-busy");
    var failed = out.filter(function (o) { return o.status === "rejected"; });
    setStatus(failed.length ? "Some parts failed to load: " + failed[0].reason.message : "Updated " + new Date().toLocaleTimeString() + "." +
      (refusals ? " " + refusals + " card" + (refusals === 1 ? "" : "s") + " cannot be filtered by " + filterText() + " and " + (refusals === 1 ? "is" : "are") + " dimmed." : ""));
    scrollable();
    root.setAttribute("data-loaded", String(gen));
  });
  realtime();
}

function chartQuery(bucket) {
  return query({ metrics: ["visitors", "pageviews"], dimensions: [bucket], order_by: [[bucket, "asc"]], limit: 10000 }, true);
}

// saveBlob hands blob to the browser as a download named name.
function saveBlob(blob, name) {
  var a = el("a", { download: name });
  a.href = URL.createObjectURL(blob);
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
}

// download saves a card's table as CSV: its query again, with the page's
// filter and comparison, less the metrics the filter left out of it.
function download(id) {
  var q, section = root.querySelector('section[data-table="' + id + '"]'), card = section;
  if (section) q = tableQuery(section, 10000);
  else if (id === "goal-channels") q = query(CARDS[id](document.getElementById("goal-pick").value));
  else if (has(CARDS, id)) q = query(CARDS[id]());
  else { q = chartQuery(lastBucket || bucketOf()); card = document.getElementById("chart").closest("section"); }
  var left = card && card.getAttribute("data-refused") ? card.getAttribute("data-refused").split(",") : [];
  if (left.length) {
    q.metrics = q.metrics.filter(function (m) { return left.indexOf(m) < 0; });
    q.order_by = q.order_by.map(function (o) { return left.indexOf(o[0]) < 0 ? o : [q.metrics[0], "desc"]; });
  }
  var tag = filter ? "-" + filter.dim + "-" + filter.value.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40) : "";
  request(q, true).then(function (text) {
    saveBlob(new Blob([text], { type: "text/csv" }), "consentproxy-" + site() + "-" + id + "-" + periodName() + tag + ".csv");
    setStatus("Downloaded " + id + " as CSV.");
  }).catch(function (e) { setStatus("Download failed: " + e.message); });
}

document.getElementById("controls").addEventListener("submit", function (e) { e.preventDefault(); load(); });
periodEl.addEventListener("change", load);
compareEl.addEventListener("change", load);
document.getElementById("filter-chip").addEventListener("click", function () { setFilter(null); });
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
  var b = e.target.closest("button[data-csv]"), r = e.target.closest("button[data-report]");
  if (b) download(b.getAttribute("data-csv"));
  else if (r) report(r.getAttribute("data-month"), r.getAttribute("data-report"));
  else pickRow(e.target);
});
window.addEventListener("resize", function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () { if (lastSeries) chart(lastSeries); scrollable(); }, 150);
});
setInterval(realtime, 30000);
if (site()) load(); else setStatus("Enter a site's measurement id and choose Show.");
