// The goals and funnels cards, and the queries of every card that is not
// a top table (CARDS: the CSV download asks the card's first one again);
// their fill functions are here, in coverage.js and revenue.js, and
// dashboard.js runs them.
var CARDS = {
  goals: function () { return { metrics: ["visitors", "conversion_rate"], dimensions: ["goal"], order_by: [["visitors", "desc"]], limit: 100 }; },
  "goal-channels": function (goal) {
    return { metrics: ["visitors", "conversion_rate"], dimensions: ["channel"], filters: [["is", "goal", goal]], order_by: [["visitors", "desc"]], limit: 10 };
  },
  funnels: function () {
    return { metrics: ["visits", "visitors"], dimensions: ["funnel", "funnel_step", "goal"], order_by: [["funnel", "asc"], ["funnel_step", "asc"]], limit: 100 };
  },
  // GA4 coverage: the visitors counted (sources), and the "(ga4)" goal:
  // the visits with a hit forwarded to Google, its conversion rate the
  // share of the visitors counted.
  coverage: function () { return { metrics: ["visitors", "conversion_rate"], dimensions: ["channel"], filters: [["is", "goal", "(ga4)"]], order_by: [["visitors", "desc"]], limit: 100 }; },
  "coverage-counted": function () { return { metrics: ["visitors"], dimensions: ["channel"], order_by: [["visitors", "desc"]], limit: 100 }; },
  "coverage-total": function () { return { metrics: ["visitors", "conversion_rate"], filters: [["is", "goal", "(ga4)"]] }; },
  // The same share per day (per week over long periods).
  "coverage-days": function (bucket) {
    return { metrics: ["visitors", "conversion_rate"], dimensions: [bucket], filters: [["is", "goal", "(ga4)"]], order_by: [[bucket, "asc"]], limit: 1000 };
  },
  // Revenue: per currency, the largest first, and the first one's by
  // channel (a sum of euros and dollars is no number).
  revenue: function () {
    return { metrics: ["revenue", "purchases", "average_order", "visitors"], dimensions: ["currency"], order_by: [["revenue", "desc"]], limit: 10 };
  },
  "revenue-channels": function (currency) {
    return { metrics: ["revenue", "purchases"], dimensions: ["channel"], filters: [["is", "currency", currency]], order_by: [["revenue", "desc"]], limit: 10 };
  }
};

// rowOf appends a row: a header cell, then value cells.
function rowOf(tbody, head, cells, attrs) {
  var tr = el("tr", attrs);
  tr.appendChild(wrapText(el("th", { scope: "row" }), head));
  cells.forEach(function (c) { tr.appendChild(el("td", { "class": "num" }, c)); });
  tbody.appendChild(tr);
  return tr;
}

// fillGoals fills the goals table and the goal picker of the channel
// breakdown, and returns the goal to break down (the one picked before if
// it is still there, else the first), or "" for none.
function fillGoals(res) {
  var section = document.getElementById("goals"), tbody = section.querySelector("#goals-table tbody");
  var pick = document.getElementById("goal-pick"), was = pick.value, names = [];
  tbody.textContent = "";
  res.results.forEach(function (r) {
    var g = r.dimensions[0];
    rowOf(tbody, g, [fmt("visitors", r.metrics[0]), fmt("conversion_rate", r.metrics[1])], { "data-goal": g });
    if (g !== "(other)") names.push(g);
  });
  if (!res.results.length) {
    emptyRow(tbody, 3, res.meta.suppressed_rows > 0 ? "Every goal had fewer than " + res.meta.min_count + " visitors" :
      "No goal reached in this period (goals are set with --goals)");
  }
  note(section, res.meta, "goal");
  pick.textContent = "";
  names.forEach(function (g) { pick.appendChild(el("option", { value: g }, g)); });
  document.getElementById("goal-channels").hidden = !names.length;
  if (!names.length) return "";
  pick.value = names.indexOf(was) >= 0 ? was : names[0];
  return pick.value;
}

function fillGoalChannels(goal, res) {
  var box = document.getElementById("goal-channels"), tbody = box.querySelector("tbody");
  document.getElementById("goal-channels-name").textContent = goal;
  tbody.textContent = "";
  res.results.forEach(function (r) {
    rowOf(tbody, dimLabel("channel", r.dimensions[0]), [fmt("visitors", r.metrics[0]), fmt("conversion_rate", r.metrics[1])]);
  });
  if (!res.results.length) emptyRow(tbody, 3, "Every channel had fewer than " + res.meta.min_count + " visitors of this goal");
  note(box, res.meta, "channel");
}

// fillFunnels draws each funnel's steps as bars: visits, the share of
// step 1 and the drop-off from the step before. A step under the minimum
// count is folded away; a gap in the step numbers shows it.
function fillFunnels(res) {
  var section = document.getElementById("funnels"), list = document.getElementById("funnel-list"), byName = {}, order = [];
  list.textContent = "";
  res.results.forEach(function (r) {
    var f = r.dimensions[0];
    if (f === "(other)") return;
    if (!has(byName, f)) { byName[f] = []; order.push(f); }
    byName[f].push({ step: Number(r.dimensions[1]), goal: r.dimensions[2], visits: num(r.metrics[0]), visitors: num(r.metrics[1]) });
  });
  order.forEach(function (f) {
    var steps = byName[f].sort(function (a, b) { return a.step - b.step; });
    var div = el("div", { "class": "funnel", "data-funnel": f });
    div.appendChild(el("h3", {}, f));
    var ol = el("ol", { "class": "fsteps" });
    var first = steps[0].step === 1 ? steps[0].visits : 0, prev = null;
    for (var i = 0, want = 1; i < steps.length; want++) {
      var s = steps[i];
      if (s.step !== want) {
        ol.appendChild(funnelStep(want, "", null, 0, null, res.meta.min_count));
        prev = null;
        continue;
      }
      ol.appendChild(funnelStep(s.step, s.goal, s.visits, first, prev, res.meta.min_count));
      prev = s.visits;
      i++;
    }
    div.appendChild(ol);
    list.appendChild(div);
  });
  if (!order.length) {
    list.appendChild(el("p", { "class": "empty" }, res.meta.suppressed_rows > 0 ? "Every funnel step had fewer than " + res.meta.min_count + " visitors" :
      "No funnel step reached in this period (funnels are set with --funnels)"));
  }
  var p = section.querySelector(".note");
  p.hidden = !(res.meta.suppressed_rows > 0) || !order.length;
  p.textContent = "Steps with fewer than " + res.meta.min_count + " visitors are withheld so that no one can be singled out; a funnel may go on after its last step shown.";
}

function funnelStep(n, goal, visits, first, prev, min) {
  var li = el("li", { "class": "fstep", "data-step": String(n) });
  li.appendChild(el("span", { "class": "fs-label" }, n + ". " + (goal || "(withheld)")));
  var track = el("span", { "class": "bar-track", "aria-hidden": "true" }), fill = el("span", { "class": "bar-fill" });
  var share = visits !== null && first ? visits * 100 / first : 0;
  fill.style.width = Math.min(100, share).toFixed(1) + "%";
  track.appendChild(fill);
  li.appendChild(track);
  if (visits === null) {
    li.appendChild(el("span", { "class": "fs-value" }, "fewer than " + min + " visitors"));
    return li;
  }
  li.appendChild(el("span", { "class": "fs-value" }, fmt("visits", visits) + " visits"));
  var detail = el("span", { "class": "fs-detail" });
  detail.appendChild(el("span", { "class": "fs-share" }, first ? percent(share) + " of step 1" : ""));
  if (n > 1) detail.appendChild(el("span", { "class": "fs-drop" }, prev ? percent(100 - visits * 100 / prev) + " drop-off from step " + (n - 1) : ""));
  li.appendChild(detail);
  return li;
}
