// The revenue card: revenue, purchases, the average order and purchasers
// per currency (the largest first), and the first currency by channel.
// Money is shown in its currency, as the browser's locale writes it.
var moneyFmts = {};

// money formats v in the currency cur; a value that is no currency
// ("(not set)", "(other)") gets two decimals.
function money(v, cur) {
  if (v === null || v === undefined) return "–";
  if (!has(moneyFmts, cur)) {
    try {
      moneyFmts[cur] = new Intl.NumberFormat(undefined, { style: "currency", currency: cur });
    } catch (e) {
      moneyFmts[cur] = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
  }
  return moneyFmts[cur].format(Number(v));
}

function isCurrency(c) { return /^[A-Z]{3}$/.test(c); }

// fillRevenue fills the currency table, with the change of revenue under
// it in a comparison, and returns the currency to break down by channel
// (the first row's), or "".
function fillRevenue(res, refused) {
  var section = document.getElementById("revenue"), tbody = section.querySelector("#revenue-table tbody");
  var kind = res.query && res.query.compare, labels = { revenue: "Revenue", purchases: "Purchases", average_order: "Average order", visitors: "Buyers" };
  tbody.textContent = "";
  res.results.forEach(function (r) {
    var cur = r.dimensions[0], m = r.metrics, c = r.comparison || { metrics: [], change: [] };
    // "(other)" folds several currencies, whose sum is no amount.
    var sum = cur === "(other)" ? function () { return "–"; } : money;
    var tr = rowOf(tbody, cur, [sum(m[0], cur), fmt("purchases", m[1]), fmt("visitors", m[3])], { "data-currency": cur });
    // The average order under the revenue: a column of its own would not
    // fit a phone.
    if (m[2] !== null && m[2] !== undefined) tr.children[1].appendChild(el("span", { "class": "per" }, sum(m[2], cur) + " per order"));
    if (kind) tr.children[1].appendChild(changeInto(el("span", { "class": "chg" }), "revenue", c.change[0], m[0], c.metrics[0], COMPARES[kind][0]));
  });
  if (!res.results.length) {
    emptyRow(tbody, 4, res.meta.suppressed_rows > 0 ? "Every currency had fewer than " + res.meta.min_count + " purchasing visitors" :
      "No purchases in this period: revenue counts GA4 purchase events with a value and currency");
  }
  note(section, res.meta, "currency");
  if (res.results.some(function (r) { return r.dimensions[0] === "(other)"; })) {
    section.querySelector(".note").textContent += " Their revenue is not shown: amounts in different currencies do not add up.";
  }
  refuse(section, metricsRefused(refused || {}, function (m) { return labels[m]; }), true);
  var first = res.results.length ? res.results[0].dimensions[0] : "";
  document.getElementById("revenue-channels").hidden = !isCurrency(first);
  return isCurrency(first) ? first : "";
}

function loadRevenueChannels(cur, gen) {
  var box = document.getElementById("revenue-channels");
  return ask(query(CARDS["revenue-channels"](cur))).then(function (a) {
    if (gen !== generation) return;
    refuse(box, "");
    fillRevenueChannels(cur, a.res);
  }, function (e) { if (gen === generation) refuse(box, refusalText(e)); });
}

function fillRevenueChannels(cur, res) {
  var box = document.getElementById("revenue-channels"), tbody = box.querySelector("tbody");
  document.getElementById("revenue-channels-currency").textContent = cur;
  tbody.textContent = "";
  res.results.forEach(function (r) {
    rowOf(tbody, dimLabel("channel", r.dimensions[0]), [money(r.metrics[0], cur), fmt("purchases", r.metrics[1])], { "data-channel": r.dimensions[0] });
  });
  if (!res.results.length) emptyRow(tbody, 3, "Every channel had fewer than " + res.meta.min_count + " purchasing visitors");
  note(box, res.meta, "channel");
}
