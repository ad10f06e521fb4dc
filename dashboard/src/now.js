// The "Right now" panel: the visitors of the last 5 minutes, from the
// proxy's memory (GET /api/v1/realtime), with their current pages and
// sources, refreshed every 30 seconds. All traffic: neither the period
// nor the filter applies. The API withholds rows under its minimum count.
function realtime() {
  var s = site();
  if (!s) return;
  fetch("api/v1/realtime?site=" + encodeURIComponent(s), { credentials: "same-origin", headers: { "X-Consentproxy-CSRF": csrf } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .catch(function () { return null; })
    .then(function (j) { if (s === site()) fillNow(j); });
}

function fillNow(j) {
  document.getElementById("realtime").textContent = j ? nf.format(j.visitors) : "–";
  var lists = document.getElementById("now-lists"), p = document.getElementById("now-note");
  var min = j && j.min_count || 5, w = j && j.withheld_rows || 0;
  var pages = j && j.pages || [], sources = j && j.sources || [];
  // The lists when there is something in them (or the request failed);
  // nobody, or only rows under the minimum count, is said in a line.
  lists.hidden = !!j && (!Array.isArray(j.pages) || !j.visitors || !pages.length && !sources.length);
  nowRows("now-pages", j, pages, "page", "No page has " + min + " or more visitors right now");
  nowRows("now-sources", j, sources, "source", "No source has " + min + " or more visitors right now");
  p.textContent = !j || !Array.isArray(j.pages) ? "" : !j.visitors ? "Nobody on the site right now." :
    w ? (lists.hidden ? "Every current page and source has fewer than " + min + " visitors: " : "") + w + " row" + (w === 1 ? "" : "s") +
      " with fewer than " + min + " visitors withheld so that no one can be singled out." : "";
  p.hidden = !p.textContent;
  document.getElementById("now").setAttribute("data-at", String(Date.now()));
}

function nowRows(id, j, rows, key, none) {
  var tbody = document.getElementById(id);
  tbody.textContent = "";
  rows.forEach(function (r) { rowOf(tbody, r[key], [fmt("visitors", r.visitors)], { "data-key": r[key] }); });
  if (!rows.length) emptyRow(tbody, 2, j ? none : "Not available right now");
}
