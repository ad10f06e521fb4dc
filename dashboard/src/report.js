// The compliance report of a UTC month (GET /api/v1/report), as HTML in a
// new tab or as CSV. The API wants the page's CSRF header, which a link
// cannot send, so the report is fetched and handed over as a blob: the tab
// is opened at once, within the click (later, a browser would block it),
// and shown the report when it arrives. A blob's page inherits this page's
// CSP, which refuses the report's own inline <style>: it gets this page's
// stylesheet in its place.
function report(month, format) {
  var w = null;
  if (format === "html") {
    w = window.open("", "_blank");
    if (w) { try { w.document.title = "Loading the compliance report…"; w.document.body.textContent = "Loading the compliance report…"; } catch (e) { /* shown when it arrives */ } }
  }
  setStatus("Loading the compliance report of " + month + "…");
  fetch("api/v1/report?site=" + encodeURIComponent(site()) + "&month=" + month + "&format=" + format,
    { credentials: "same-origin", headers: { "X-Consentproxy-CSRF": csrf } }).then(function (r) {
    if (r.status === 401) { location.reload(); throw new Error("Your session ended; sign in again."); }
    if (!r.ok) return r.text().then(function (t) { throw new Error(t.trim() || r.statusText); });
    if (format !== "html") return r.blob();
    var css = document.querySelector('link[rel="stylesheet"]').href;
    return r.text().then(function (html) {
      return new Blob([html.replace(/<style>[\s\S]*?<\/style>/, '<link rel="stylesheet" href="' + css + '">')], { type: "text/html;charset=utf-8" });
    });
  }).then(function (blob) {
    if (format !== "html") {
      saveBlob(blob, "consentproxy-report-" + site() + "-" + month + "." + format);
      setStatus("Downloaded the compliance report of " + month + " as CSV.");
      return;
    }
    // Kept for the tab's lifetime (a reload there reads it again); it is
    // freed with this page.
    var href = URL.createObjectURL(blob);
    if (w && !w.closed) {
      w.location.href = href;
      w.opener = null;
    } else {
      var a = el("a", { href: href, target: "_blank", rel: "noopener" });
      document.body.appendChild(a);
      a.click();
      a.remove();
    }
    setStatus("Opened the compliance report of " + month + " in a new tab.");
  }).catch(function (e) {
    if (w) w.close();
    setStatus("The compliance report failed to load: " + e.message);
  });
}
