// Shared helpers of the dashboard's script: formatting, elements, the
// period's dates in the dashboard's time zone. assets.go joins the files
// of src/ in order into one function, so these are in scope everywhere.
var tz = "UTC";
try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
var nf = new Intl.NumberFormat();
var SVGNS = "http://www.w3.org/2000/svg";
// GA4's names of the default channel group, from dims.ChannelLabel (the
// page carries them in data-channels); the API and CSV keep the slugs.
var CHANNELS = {};

function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
function num(v) { return Number(v) || 0; }

// RATES are the metrics the API sends as percents with one decimal.
var RATES = { bounce_rate: 1, consent_rate: 1, conversion_rate: 1, exit_rate: 1, scroll_rate: 1 };
function percent(v) { return (Math.round(Number(v) * 10) / 10).toFixed(1).replace(/\.0$/, "") + "%"; }

function fmt(metric, v) {
  if (v === null || v === undefined) return "–";
  if (has(RATES, metric)) return percent(v);
  if (metric === "visit_duration" || metric === "engagement_time") {
    var s = Math.round(Number(v)), m = Math.floor(s / 60);
    return m ? m + "m " + (s % 60) + "s" : s + "s";
  }
  return nf.format(Number(v));
}

// dimLabel is how a dimension's value reads on the page.
function dimLabel(dim, v) {
  if (v === "") return "(none)";
  if (dim === "channel" && has(CHANNELS, v)) return CHANNELS[v];
  return v;
}

function el(tag, attrs, text) {
  var e = document.createElement(tag);
  for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

// wrapText puts text into e with a break opportunity after every slash,
// so a long path wraps at its segments rather than anywhere.
function wrapText(e, text) {
  var parts = String(text).split("/");
  parts.forEach(function (p, i) {
    if (i < parts.length - 1) {
      e.appendChild(document.createTextNode(p + "/"));
      e.appendChild(document.createElement("wbr"));
    } else if (p) {
      e.appendChild(document.createTextNode(p));
    }
  });
  return e;
}

function svgEl(parent, tag, attrs, text) {
  var e = document.createElementNS(SVGNS, tag);
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

// emptyRow fills tbody with one row that says why it is empty.
function emptyRow(tbody, cols, text) {
  tbody.textContent = "";
  var tr = el("tr");
  tr.appendChild(el("td", { colspan: String(cols), "class": "empty" }, text));
  tbody.appendChild(tr);
}

// foldedText says what the API's small-number suppression did to rows.
function foldedText(meta, rows) {
  if (!meta || !(meta.suppressed_rows > 0)) return "";
  var n = meta.suppressed_rows;
  return n + " " + (rows || "row") + (n === 1 ? "" : "s") + " with fewer than " + meta.min_count + " visitors " +
    (meta.other_withheld ? "withheld" : "folded into “(other)”") + " so that no one can be singled out.";
}

// note shows foldedText in a section's .note paragraph, or hides it.
function note(section, meta, rows) {
  var p = section.querySelector(".note");
  if (!p) return;
  var t = foldedText(meta, rows);
  p.textContent = t;
  p.hidden = !t;
}

// Dates in the dashboard's zone. The API counts days, weeks and months in
// the query's timezone, which is this one, so the chart's buckets and the
// date inputs are computed here the same way.
var partsFmt = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" });
function local(ms) {
  var p = {};
  partsFmt.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
  return { date: p.year + "-" + p.month + "-" + p.day, hour: Number(p.hour) % 24 };
}
// Calendar arithmetic on YYYY-MM-DD strings, zone-free.
function utcDate(d) { return new Date(d + "T00:00:00Z"); }
function addDays(d, n) { var t = utcDate(d); t.setUTCDate(t.getUTCDate() + n); return t.toISOString().slice(0, 10); }
function addMonths(d, n) { var t = utcDate(d.slice(0, 8) + "01"); t.setUTCMonth(t.getUTCMonth() + n); return t.toISOString().slice(0, 10); }
function mondayOf(d) { return addDays(d, -((utcDate(d).getUTCDay() + 6) % 7)); }
function daysBetween(a, b) { return Math.round((utcDate(b) - utcDate(a)) / 864e5); }
function validDate(d) { return /^\d{4}-\d{2}-\d{2}$/.test(d) && !isNaN(utcDate(d)); }

// dateText renders a YYYY-MM-DD as "Mar 3" (and the year when asked).
function dateText(d, year) {
  return utcDate(d).toLocaleDateString(undefined, { month: "short", day: "numeric", year: year ? "2-digit" : undefined, timeZone: "UTC" });
}
function hourText(h) { return (h < 10 ? "0" : "") + h + ":00"; }
