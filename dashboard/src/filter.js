// Filtering by a row: choosing a row of a top table filters every card by
// its value, as far as the aggregate-only schema can answer. The API
// refuses a filter across attribute families with a 400 that says why; a
// card it refuses is dimmed and shows that text instead of its numbers,
// and a metric it refuses is left out of its card with the same text. A
// card is never shown unfiltered while a filter is on.
var filter = null; // { dim, value, label } or null: one filter at a time

// ask sends q. With a filter on, a metric the filter's table does not keep
// (the API's 400 names it) is left out and the rest asked again; the rows
// then hold null for it. Resolves to { res, refused: { metric: text } };
// rejects with e.refused set when the API refuses the filter itself.
function ask(q) {
  var want = q.metrics, refused = {};
  function go(metrics) {
    var qq = {};
    for (var k in q) qq[k] = q[k];
    qq.metrics = metrics;
    if (qq.order_by) {
      qq.order_by = qq.order_by.map(function (o) { return has(refused, o[0]) ? [metrics[0], "desc"] : o; });
    }
    return request(qq).then(function (res) {
      function spread(vs) { return want.map(function (m) { var i = metrics.indexOf(m); return i < 0 ? null : vs[i]; }); }
      res.results.forEach(function (r) {
        r.metrics = spread(r.metrics);
        if (r.comparison) r.comparison = { metrics: spread(r.comparison.metrics), change: spread(r.comparison.change) };
      });
      return { res: res, refused: refused };
    }, function (e) {
      if (!filter || e.status !== 400) throw e;
      var m = /^metric "([a-z_]+)" is not available/.exec(e.message);
      if (m && metrics.indexOf(m[1]) >= 0) {
        refused[m[1]] = e.message;
        if (metrics.length > 1) return go(metrics.filter(function (x) { return x !== m[1]; }));
      }
      e.refused = refused;
      throw e;
    });
  }
  return go(want);
}

function filterText() { return filter ? filter.label + " is " + filter.shown : ""; }

// refuse dims card with the API's explanation (or a failure) in place of
// its numbers, or, with partial, only adds the explanation; "" restores it.
// text is [lead, explanation] or a string.
function refuse(card, text, partial) {
  var p = card.querySelector(":scope > .refusal");
  if (!p && text) {
    p = el("p", { "class": "refusal" });
    card.querySelector(":scope > .card-head, :scope > .sub-head").after(p);
  }
  card.classList.toggle("refused", !!text && !partial);
  if (!p) return;
  p.textContent = "";
  if (Array.isArray(text)) {
    p.appendChild(el("strong", {}, text[0]));
    p.appendChild(document.createTextNode(" " + text[1]));
  } else p.textContent = text;
  p.hidden = !text;
}

// refusalText is what a card says when its query failed.
function refusalText(e) {
  if (e && e.status === 400 && filter) return ["Not available filtered by " + filterText() + ".", e.message];
  return ["Failed to load:", e && e.message || String(e)];
}

// metricsRefused says which metrics of a card were left out, and why.
function metricsRefused(refused, label) {
  var ms = Object.keys(refused);
  if (!ms.length) return "";
  return [ms.map(label).join(", ") + " not shown filtered by " + filterText() + ".", ms.map(function (m) { return refused[m]; }).join(" ")];
}

// setFilter makes { dim, value } the page's one filter (null removes it)
// and loads the page again.
function setFilter(f) {
  filter = f;
  var on = !!f;
  document.getElementById("filter-active").hidden = !on;
  document.getElementById("filter-hint").hidden = on;
  document.getElementById("realtime-all").hidden = !on;
  document.getElementById("filter-text").textContent = filterText();
  root.toggleAttribute("data-filtered", on);
  load();
  (on ? document.getElementById("filter-chip") : document.getElementById("filter-hint")).focus();
}

// rowButton is a table row's header: a toggle button that filters by the
// row's value (none for "(other)", which is no value).
function rowButton(th, dim, value, shown) {
  if (value === "(other)") return wrapText(th, shown);
  var pressed = !!filter && filter.dim === dim && filter.value === value;
  var b = el("button", { type: "button", "class": "rowbtn", "data-value": value, "aria-pressed": String(pressed), "aria-describedby": "filter-hint" });
  th.appendChild(wrapText(b, shown));
  return th;
}

// pickRow filters by the row whose button (or any other cell) was chosen.
function pickRow(target) {
  var b = target.closest("button.rowbtn") || (!target.closest("button, a, input, select") && target.closest("tr") &&
    target.closest("tr").querySelector("button.rowbtn"));
  var section = b && b.closest("section[data-dim]");
  if (!section) return false;
  var dim = section.getAttribute("data-dim"), value = b.getAttribute("data-value");
  if (filter && filter.dim === dim && filter.value === value) setFilter(null);
  else setFilter({ dim: dim, value: value, label: section.querySelector("thead th").textContent, shown: dimLabel(dim, value) });
  return true;
}
