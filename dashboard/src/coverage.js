// fillCoverage joins the visitors counted per channel with the visitors
// GA4 received. A channel without a "(ga4)" row received none, unless the
// API folded rows: then it had fewer than the minimum count, or none.
function fillCoverage(counted, ga4) {
  var section = document.getElementById("coverage"), tbody = section.querySelector("tbody"), got = {};
  ga4.results.forEach(function (r) { got[r.dimensions[0]] = r; });
  var folded = ga4.meta.suppressed_rows > 0;
  tbody.textContent = "";
  counted.results.forEach(function (r) {
    var ch = r.dimensions[0];
    if (ch === "(other)") return;
    var g = has(got, ch) ? got[ch] : null;
    rowOf(tbody, dimLabel("channel", ch), [fmt("visitors", r.metrics[0]),
      g ? fmt("visitors", g.metrics[0]) : folded ? "under " + ga4.meta.min_count : "0",
      g ? fmt("conversion_rate", g.metrics[1]) : folded ? "–" : "0%"], { "data-channel": ch });
  });
  if (!tbody.children.length) emptyRow(tbody, 4, "No data for this period");
  var p = section.querySelector(".note"), parts = [];
  if (counted.meta.suppressed_rows > 0) parts.push("Channels with fewer than " + counted.meta.min_count + " visitors are left out.");
  if (folded) parts.push("“under " + ga4.meta.min_count + "”: GA4 received fewer than " + ga4.meta.min_count + " of the channel's visitors, or none.");
  p.textContent = parts.join(" ");
  p.hidden = !parts.length;
}

// fillCoverageTotal shows the overall coverage in the summary and the card.
function fillCoverageTotal(res) {
  var r = res.results[0], dd = document.querySelector('#kpis [data-metric="ga4_coverage"]'), line = document.getElementById("coverage-total");
  dd.textContent = r ? fmt("conversion_rate", r.metrics[1]) : "–";
  line.textContent = r ? "GA4 received " + fmt("visitors", r.metrics[0]) + " visitors: " + fmt("conversion_rate", r.metrics[1]) + " of those counted here." :
    res.meta.suppressed_rows > 0 ? "GA4 received fewer than " + res.meta.min_count + " visitors." : "GA4 received no visitors in this period.";
}

// coverageBucket is the coverage card's step over time: days, or weeks
// when a period is longer than a quarter (365 bars fit no card).
function coverageBucket() {
  if (!custom()) return periodEl.value === "12mo" ? "time:week" : "time:day";
  return daysBetween(fromEl.value, toEl.value) >= 92 ? "time:week" : "time:day";
}

// fillCoverageDays draws the share of visitors GA4 received per day as
// small bars on a 0–100 % scale (hatched where the API withheld a day
// under the minimum count, none where GA4 received nobody), named for a
// screen reader, with the API's rows as a table under a disclosure.
function fillCoverageDays(res, bucket) {
  var box = document.getElementById("coverage-days"), spark = document.getElementById("coverage-spark");
  var week = bucket === "time:week", s = series(res, bucket), pts = s.pts, n = pts.length;
  var unit = week ? "week" : "day", tbody = box.querySelector("tbody"), min = res.meta.min_count;
  document.getElementById("coverage-days-unit").textContent = "per " + unit;
  document.getElementById("coverage-days-unit2").textContent = unit + "s";
  document.getElementById("coverage-days-col").textContent = week ? "Week of" : "Day";
  spark.textContent = "";
  tbody.textContent = "";
  var shown = pts.filter(function (p) { return p.state === "data"; });
  shown.forEach(function (p) {
    rowOf(tbody, dateText(p.t, week), [fmt("visitors", p.v), fmt("conversion_rate", p.p)], { "data-day": p.t });
  });
  if (!shown.length) emptyRow(tbody, 3, s.withheld ? "Every " + unit + " had fewer than " + min + " visitors GA4 received" : "GA4 received no visitors in this period");
  var bars = spark.appendChild(el("div", { "class": "spark-bars" + (n > 40 ? " dense" : ""), role: "img" }));
  pts.forEach(function (p) {
    var b = bars.appendChild(el("span", { "class": "sb", "data-t": p.t, "data-state": p.state, "data-p": p.state === "data" ? String(p.p) : "",
      title: dateText(p.t, week) + ": " + (p.state === "data" ? fmt("conversion_rate", p.p) + " (GA4 received " + fmt("visitors", p.v) + " visitors)" :
        p.state === "withheld" ? "withheld (fewer than " + min + " visitors) or none" : p.state === "future" ? "still to come" : "GA4 received no visitors") }));
    if (p.state === "data") b.appendChild(el("span", { "class": "sb-fill" })).style.height = Math.max(2, Math.min(100, p.p)) + "%";
  });
  var rates = shown.map(function (p) { return p.p; });
  bars.setAttribute("aria-label", "GA4 coverage per " + unit + ", " + n + " " + unit + "s" + (n ? " from " + dateText(pts[0].t, week) + " to " + dateText(pts[n - 1].t, week) : "") +
    (rates.length ? ": from " + percent(Math.min.apply(null, rates)) + " to " + percent(Math.max.apply(null, rates)) + " of the visitors counted" : ": no " + unit + " to show") +
    (s.withheld ? "; " + s.withheld + " " + unit + (s.withheld === 1 ? "" : "s") + " withheld or without visitors" : "") + ". The table below has each " + unit + "'s numbers.");
  var axis = spark.appendChild(el("div", { "class": "spark-axis", "aria-hidden": "true" }));
  axis.appendChild(el("span", {}, n ? dateText(pts[0].t, week) : ""));
  axis.appendChild(el("span", {}, n > 1 ? dateText(pts[n - 1].t, week) : ""));
  var p = box.querySelector(".note");
  p.textContent = s.withheld ? "Hatched: " + unit + "s on which GA4 received fewer than " + min + " visitors, or none, which cannot be told apart." : "";
  p.hidden = !s.withheld;
}
