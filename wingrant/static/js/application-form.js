/* Application form: recompute the plan's totals while typing.
   Progressive only — without JavaScript the totals are recomputed by the
   server on every save or "Zeile hinzufügen". No inline code (CSP). */
(function () {
  "use strict";

  function cents(text) {
    // Lenient German parsing for a preview; the server's parser decides on save.
    var t = (text || "").replace(/\s|\u00a0|\u202f|€|EUR/gi, "");
    if (!t) return 0;
    if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(t)) return null;
    var parts = t.replace(/\./g, "").split(",");
    return parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
  }

  function format(c) {
    var euros = Math.floor(Math.abs(c) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var rest = ("0" + (Math.abs(c) % 100)).slice(-2);
    return (c < 0 ? "-" : "") + euros + "," + rest + "\u00a0€";
  }

  function sum(inputs) {
    var total = 0;
    for (var i = 0; i < inputs.length; i++) {
      var c = cents(inputs[i].value);
      if (c === null) return null;
      total += c;
    }
    return total;
  }

  function init() {
    var form = document.querySelector("form.application-form");
    var totals = document.querySelector("[data-totals]");
    if (!form || !totals) return;
    function update() {
      var cost = sum(form.querySelectorAll('table[data-plan="costs"] td.num input'));
      var own = sum(form.querySelectorAll('table[data-plan="funding"] td.num input'));
      var requested = sum(form.querySelectorAll(".request-fields input"));
      if (cost === null || own === null || requested === null) return; // an amount the server will explain
      var funding = own + requested, gap = cost - funding;
      totals.querySelector('[data-total="cost"]').textContent = format(cost);
      totals.querySelector('[data-total="funding"]').textContent = format(funding);
      var row = totals.querySelector('[data-total="difference"]');
      row.className = gap ? "gap" : "balanced";
      row.querySelector("dt").textContent = gap > 0 ? totals.dataset.labelGap
        : gap < 0 ? totals.dataset.labelSurplus : totals.dataset.labelBalanced;
      row.querySelector("dd").textContent = gap ? format(Math.abs(gap))
        : format(0) + " – " + totals.dataset.textBalanced;
    }
    form.addEventListener("input", update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
