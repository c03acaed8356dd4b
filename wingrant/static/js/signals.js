/* The QM's live page: the pending signals from the room appear without reloading.
 *
 * Every 3 s it asks for the pending list with the tag it shows as If-None-Match: while nothing
 * arrived the answer is a bodiless 304. It does not swap while the QM is working in the list (a
 * field has focus or holds a change), so a half-typed name is never lost.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 3000;
  var busy = false;

  function section() {
    return document.getElementById("meldungen");
  }

  function working(node) {
    if (node.contains(document.activeElement) && document.activeElement !== document.body) {
      return true;
    }
    var fields = node.querySelectorAll("input[type=text], textarea, select");
    for (var i = 0; i < fields.length; i += 1) {
      var f = fields[i];
      if (f.tagName === "SELECT" ? f.options[f.selectedIndex] && !f.options[f.selectedIndex].defaultSelected
          : f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function poll() {
    var node = section();
    if (busy || !node || document.hidden || !window.fetch || working(node)) {
      return;
    }
    busy = true;
    fetch(node.getAttribute("data-fragment-url"), {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error",
      headers: { "If-None-Match": "\"" + node.getAttribute("data-tag") + "\"" }
    })
      .then(function (response) {
        if (response.status === 304 || !response.ok) {
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null || working(node)) {
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = html; // our own server-rendered, escaped template
        var fresh = holder.querySelector("#meldungen");
        if (fresh) {
          node.parentNode.replaceChild(fresh, node);
        }
      })
      .catch(function () { /* the next round tries again */ })
      .then(function () { busy = false; });
  }

  window.setInterval(poll, INTERVAL_MS);
})();
