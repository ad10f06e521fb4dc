// Comparison with an earlier period (the Compare select): the API gives
// every row a "comparison" with the compared period's metrics and the
// change, in percent for counts and in percentage points for rates, null
// against zero or nothing. These render it with an arrow and its words,
// so that colour is never the only signal.
var COMPARES = { previous_period: ["the previous period", "Previous period"], year_over_year: ["the same period last year", "Same period last year"] };
// LOWER_BETTER metrics go down when things go well.
var LOWER_BETTER = { bounce_rate: 1, exit_rate: 1 };
var nf1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

// changeOf is how a change of metric reads: text (shown), words (for a
// screen reader) and a class (up/down/flat/none, good/bad).
function changeOf(metric, ch, cur, prev, against) {
  var rate = has(RATES, metric);
  if (ch === null || ch === undefined) {
    if (prev === 0 && cur === 0) return { text: "= 0", words: "none, as in " + against, cls: "flat" };
    if (prev === 0 && cur > 0) return { text: "new", words: "new: none in " + against, cls: "none" };
    return { text: "–", words: "nothing to compare with in " + against, cls: "none" };
  }
  var n = Number(ch), abs = nf1.format(Math.abs(n)), unit = rate ? " pp" : " %", unitWords = rate ? " percentage points" : " %";
  if (n === 0) return { text: "= 0" + unit, words: "unchanged from " + against, cls: "flat" };
  var up = n > 0, good = up !== has(LOWER_BETTER, metric);
  return { text: (up ? "▲ " : "▼ ") + abs + unit, words: (up ? "up " : "down ") + abs + unitWords + " from " + against,
    cls: (up ? "up " : "down ") + (good ? "good" : "bad") };
}

// changeInto fills e with a change: the text hidden from screen readers,
// the words for them only. data-change-value holds the API's number.
function changeInto(e, metric, ch, cur, prev, against, was) {
  var c = changeOf(metric, ch, cur, prev, against);
  e.textContent = "";
  Array.prototype.slice.call(e.classList).forEach(function (k) { if (k.indexOf("chg-") === 0) e.classList.remove(k); });
  c.cls.split(" ").forEach(function (k) { e.classList.add("chg-" + k); });
  e.setAttribute("data-change-value", ch === null || ch === undefined ? "" : String(ch));
  e.appendChild(el("span", { "aria-hidden": "true" }, c.text));
  if (was !== undefined) e.appendChild(el("span", { "class": "was", "aria-hidden": "true" }, " from " + was));
  e.appendChild(el("span", { "class": "sr" }, c.words + (was !== undefined ? " (" + was + ")" : "")));
  return e;
}

// compareNote says which dates the comparison is with.
function compareNote(meta, kind) {
  var p = document.getElementById("compare-note");
  p.hidden = !(kind && meta && meta.compare_from);
  if (p.hidden) return;
  var from = local(Date.parse(meta.compare_from)).date, to = local(Date.parse(meta.compare_to) - 1).date;
  function day(d) { return utcDate(d).toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" }); }
  p.textContent = "Changes compared with " + (from === to ? day(from) : day(from) + " – " + day(to)) +
    " (" + COMPARES[kind][0] + ").";
}

// showKPIChange puts the change of a summary figure (key, counted as
// metric) next to it, or hides it.
function showKPIChange(key, metric, row, i, kind) {
  var dd = document.querySelector('#kpis [data-change="' + key + '"]');
  dd.hidden = !kind || !row || !row.comparison;
  if (dd.hidden) return;
  var prev = row.comparison.metrics[i];
  changeInto(dd, metric, row.comparison.change[i], row.metrics[i], prev, COMPARES[kind][0], prev === null || prev === undefined ? undefined : fmt(metric, prev));
}
