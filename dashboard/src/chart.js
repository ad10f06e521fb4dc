// The chart: visitors as one bar per time bucket of the whole period,
// pageviews as a line, on a real time axis. The API returns only buckets
// with rows; a bucket under the minimum count is folded into "(other)",
// which is no point in time. So a bucket without a row is zero only when
// nothing was folded; otherwise it is "withheld or zero" and drawn hatched,
// and the chart says how many buckets were withheld.
var UNITS = { "time:hour": ["hour", "hourly"], "time:day": ["day", "daily"], "time:week": ["week", "weekly"], "time:month": ["month", "monthly"] };

// series lays out every bucket of [meta.from, meta.to) with the API's row
// for it, if any. Hours are the stored UTC hours starting in the range
// (in a zone with a half-hour offset they start at :30 local); days, weeks
// (Monday) and months are local dates, as the API labels them. With a
// comparison, c is the compared period's visitors of the same bucket (the
// API aligns them bucket by bucket), null where it has none; with
// pageviews refused by the filter, noP.
function series(res, bucket, refused) {
  var rows = {}, other = null, folded = res.meta.suppressed_rows > 0, now = Date.now(), out = [];
  var kind = res.query && res.query.compare, noP = !!(refused && refused.pageviews);
  res.results.forEach(function (r) {
    var k = r.dimensions[0];
    if (k === "(other)") other = r;
    else rows[bucket === "time:hour" ? String(Date.parse(k)) : k] = r;
  });
  function push(key, t, future) {
    var r = rows[key];
    var c = r && r.comparison && r.comparison.metrics[0];
    out.push({ t: t, v: r ? num(r.metrics[0]) : 0, p: r ? num(r.metrics[1]) : 0, c: c === null || c === undefined ? null : num(c),
      state: r ? "data" : future ? "future" : folded ? "withheld" : "zero" });
  }
  var from = Date.parse(res.meta.from), to = Date.parse(res.meta.to);
  if (bucket === "time:hour") {
    for (var t = Math.ceil(from / 36e5) * 36e5; t < to && out.length < 20000; t += 36e5) push(String(t), t, t > now);
  } else {
    var next = bucket === "time:week" ? function (d) { return addDays(d, 7); } :
      bucket === "time:month" ? function (d) { return addMonths(d, 1); } : function (d) { return addDays(d, 1); };
    var first = bucket === "time:week" ? mondayOf : bucket === "time:month" ? function (d) { return d.slice(0, 8) + "01"; } : function (d) { return d; };
    var end = local(to).date, today = first(local(now).date);
    for (var d = first(local(from).date); d < end && out.length < 20000; d = next(d)) push(d, d, d > today);
  }
  var count = function (st) { return out.filter(function (p) { return p.state === st; }).length; };
  return { pts: out, other: other, meta: res.meta, bucket: bucket, withheld: count("withheld"), data: count("data"), kind: kind, noP: noP };
}

function bucketText(t, bucket) {
  if (bucket !== "time:hour") return dateText(t, bucket === "time:month");
  var l = local(t);
  return dateText(l.date) + ", " + hourText(l.hour);
}

// ticks picks the buckets labelled on the x axis: whole local hours
// (midnights for a week of hours), else every k-th bucket.
function ticks(pts, bucket, maxT) {
  var out = [], n = pts.length, k;
  if (bucket === "time:hour") {
    var steps = [1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336];
    for (k = 0; k < steps.length - 1 && n / steps[k] > maxT; k++);
    var step = steps[k], day = 0;
    pts.forEach(function (p, i) {
      var l = local(p.t);
      if (l.hour === 0) day++;
      if (step < 24 ? l.hour % step === 0 : l.hour === 0 && (day - 1) % (step / 24) === 0) {
        out.push({ i: i, text: l.hour === 0 ? dateText(l.date) : hourText(l.hour) });
      }
    });
    return out;
  }
  k = Math.max(1, Math.ceil(n / maxT));
  for (var i = 0; i < n; i += k) out.push({ i: i, text: dateText(pts[i].t, bucket === "time:month") });
  return out;
}

function niceMax(v) {
  var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
function compact(v) { return v >= 1e6 ? (v / 1e6) + "M" : v >= 1e3 ? (v / 1e3) + "k" : String(Math.round(v * 10) / 10); }

// chart draws s (from series) at the box's own width, so text stays 12 px
// on a phone too.
function chart(s) {
  var box = document.getElementById("chart"), pts = s.pts, n = pts.length, unit = UNITS[s.bucket] || ["bucket", "per-bucket"];
  box.textContent = "";
  var W = Math.max(300, Math.min(1400, Math.round(box.clientWidth) || 800)), H = W < 500 ? 200 : 260, L = 44, R = 12, T = 12, B = 28;
  var sw = (W - L - R) / Math.max(1, n), max = 1;
  pts.forEach(function (d) { max = Math.max(max, d.v, s.noP ? 0 : d.p, d.c || 0); });
  max = niceMax(max);
  var svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("role", "img");
  svg.setAttribute("data-buckets", String(n));
  function y(v) { return T + (H - T - B) * (1 - v / max); }
  function cx(i) { return L + (i + 0.5) * sw; }
  var pat = svgEl(svgEl(svg, "defs", {}), "pattern", { id: "withheld", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  svgEl(pat, "rect", { width: 6, height: 6, "class": "hatch-bg" });
  svgEl(pat, "line", { x1: 1, y1: 0, x2: 1, y2: 6, "class": "hatch-line" });
  for (var g = 0; g <= 4; g++) {
    var gv = max * g / 4;
    svgEl(svg, "line", { x1: L, x2: W - R, y1: y(gv), y2: y(gv), "class": "grid" });
    svgEl(svg, "text", { x: L - 6, y: y(gv) + 4, "class": "axis", "text-anchor": "end" }, compact(gv));
  }
  var gap = sw > 4 ? Math.min(sw * 0.2, 6) : 0;
  pts.forEach(function (p, i) {
    var b = svgEl(svg, "g", { "class": "bucket", "data-t": String(p.t), "data-state": p.state, "data-v": String(p.v), "data-p": s.noP ? "" : String(p.p),
      "data-c": p.c === null ? "" : String(p.c) });
    var what = p.state === "data" || p.state === "zero" ? nf.format(p.v) + " visitors" + (s.noP ? "" : ", " + nf.format(p.p) + " pageviews") :
      p.state === "withheld" ? "withheld (fewer than " + s.meta.min_count + " visitors) or none" : "still to come";
    if (s.kind && p.c !== null) what += "; " + COMPARES[s.kind][0] + ": " + nf.format(p.c) + " visitors";
    svgEl(b, "title", {}, bucketText(p.t, s.bucket) + ": " + what);
    if (p.state === "withheld") {
      svgEl(b, "rect", { x: (L + i * sw).toFixed(2), y: T, width: Math.max(0.5, sw).toFixed(2), height: H - T - B, fill: "url(#withheld)", "class": "withheld" });
    } else if (p.state === "data" && p.v > 0) {
      var top = Math.min(y(p.v), y(0) - 1);
      svgEl(b, "rect", { x: (L + i * sw + gap / 2).toFixed(2), y: top.toFixed(2), width: Math.max(0.5, sw - gap).toFixed(2), height: (y(0) - top).toFixed(2), "class": "bar-v" });
    } else {
      // An invisible hit area keeps the bucket's tooltip.
      svgEl(b, "rect", { x: (L + i * sw).toFixed(2), y: T, width: Math.max(0.5, sw).toFixed(2), height: H - T - B, "class": "hit" });
    }
  });
  // A line through the buckets where ok(p) holds, broken elsewhere.
  function line(ok, val, cls) {
    var d = "", pen = false;
    pts.forEach(function (p, i) {
      if (!ok(p)) { pen = false; return; }
      d += (pen ? "L" : "M") + cx(i).toFixed(1) + " " + y(val(p)).toFixed(1);
      pen = true;
    });
    if (d) svgEl(svg, "path", { d: d, "class": "line " + cls });
  }
  // The compared period's visitors, faint and dashed, under the rest.
  if (s.kind) line(function (p) { return p.c !== null; }, function (p) { return p.c; }, "line-c");
  // Pageviews: through the known buckets, broken where a bucket is
  // withheld or still to come.
  if (!s.noP) line(function (p) { return p.state === "data" || p.state === "zero"; }, function (p) { return p.p; }, "line-p");
  // Dots where there are few buckets, and on a known bucket between two
  // unknown ones, which no line reaches.
  function known(i) { return i >= 0 && i < n && (pts[i].state === "data" || pts[i].state === "zero"); }
  pts.forEach(function (p, i) {
    if (!s.noP && known(i) && (n <= 62 || (!known(i - 1) && !known(i + 1)))) {
      svgEl(svg, "circle", { cx: cx(i).toFixed(1), cy: y(p.p).toFixed(1), r: n <= 31 ? 3 : 2, "class": "dot-p" });
    }
  });
  svgEl(svg, "line", { x1: L, x2: W - R, y1: y(0), y2: y(0), "class": "baseline" });
  ticks(pts, s.bucket, Math.max(2, Math.floor((W - L - R) / 84))).forEach(function (tk) {
    var x = cx(tk.i), anchor = x - L < 28 ? "start" : W - R - x < 28 ? "end" : "middle";
    svgEl(svg, "line", { x1: x, x2: x, y1: y(0), y2: y(0) + 4, "class": "tick" });
    svgEl(svg, "text", { x: anchor === "start" ? Math.max(L, x - 4) : anchor === "end" ? Math.min(W - R, x + 4) : x, y: H - 8, "class": "axis", "text-anchor": anchor }, tk.text);
  });
  if (!s.data) svgEl(svg, "text", { x: L + (W - L - R) / 2, y: T + (H - T - B) / 2, "class": "axis", "text-anchor": "middle" }, "No data for this period");
  var peak = Math.max.apply(null, pts.map(function (p) { return p.v; }).concat([0]));
  var tot = pts.reduce(function (a, p) { return [a[0] + p.v, a[1] + p.p]; }, [0, 0]);
  var totc = pts.reduce(function (a, p) { return a + (p.c || 0); }, 0);
  svg.setAttribute("aria-label", (s.noP ? "Visitors" : "Visitors and pageviews") + " per " + unit[0] + ", " + n + " " + unit[0] + "s" +
    (n ? " from " + bucketText(pts[0].t, s.bucket) + " to " + bucketText(pts[n - 1].t, s.bucket) : "") + ", times in " + tz +
    ": at most " + nf.format(peak) + " visitors in one " + unit[0] + (s.noP ? "" : ", " + nf.format(tot[1]) + " pageviews in the buckets shown") +
    (s.withheld ? "; " + s.withheld + " " + unit[0] + "s withheld or without visitors" : "") +
    (s.kind ? "; the dashed line is the visitors of " + COMPARES[s.kind][0] + " in the same place, " + nf.format(totc) + " in the buckets shown." : "."));
  box.appendChild(svg);
  document.getElementById("chart-note").textContent = chartNote(s, unit);
  document.getElementById("key-withheld").hidden = !s.withheld;
  document.getElementById("key-compare").hidden = !s.kind;
  document.getElementById("key-p").hidden = s.noP;
  if (s.kind) document.getElementById("key-compare-text").textContent = "Visitors, " + COMPARES[s.kind][0];
}

// chartNote says the bucket, the zone and what was withheld.
function chartNote(s, unit) {
  var t = "Per " + unit[0] + ", times in " + tz;
  var m = s.meta, k = m.suppressed_rows;
  if (k > 0) {
    t += " · " + k + " " + unit[1] + " bucket" + (k === 1 ? "" : "s") + " under " + m.min_count + " visitors withheld";
    if (s.other) t += " (together at most " + nf.format(num(s.other.metrics[0])) + " visitors, " + nf.format(num(s.other.metrics[1])) + " pageviews)";
    else if (m.other_withheld) t += " (together fewer than " + m.min_count + " visitors)";
    t += s.withheld > k ? "; the " + s.withheld + " hatched " + unit[0] + "s are those and " + unit[0] + "s without visitors, which cannot be told apart" :
      "; they are hatched";
  }
  return t;
}
