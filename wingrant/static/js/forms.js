/* Small helpers every page may use; all of them are progressive enhancements.
   Without JavaScript every action still works and stays safe: destructive actions
   are POST forms with a CSRF token, and the server validates everything.
   No inline code anywhere (CSP): pages opt in with data attributes.

   data-confirm="Frage?"   on a <form> or on its submit button: ask before sending.
   data-unsaved-warning    on a <form>: warn before leaving the page with changes not saved.
   data-unsaved-warning="dirty"  the same, for a form shown again with errors: what it holds
                           is not saved yet, so leaving warns even without a further change.
   data-pdf-feedback="…"   on a link to a PDF or on a submit button that makes one: announce
                           the attribute's text (translated by the server; German fallback)
                           in a live region and ignore repeated clicks meanwhile. */
(function () {
  "use strict";

  /* A download started from a link gives the page no event when it has arrived, so the
     busy state is reset after this time (or when the page is shown again from the cache).
     PDFs here take a few seconds at most; a second click after the reset is harmless. */
  var PDF_BUSY_MS = 8000;

  // --- confirmation before destructive actions --------------------------------------

  function confirmMessage(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) return submitter.getAttribute("data-confirm");
    return form.getAttribute("data-confirm");
  }

  // --- unsaved changes --------------------------------------------------------------

  function snapshot(form) {
    var parts = [];
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (name === "csrf_token") return;
      parts.push(name + "=" + (typeof value === "string" ? value : value.name + ":" + value.size));
    });
    return parts.join("&");
  }

  var watched = [];

  function watchForms() {
    var forms = document.querySelectorAll("form[data-unsaved-warning]");
    for (var i = 0; i < forms.length; i++) {
      var dirty = forms[i].getAttribute("data-unsaved-warning") === "dirty";
      watched.push({ form: forms[i], initial: dirty ? null : snapshot(forms[i]), submitting: false });
    }
  }

  function hasUnsavedChanges() {
    for (var i = 0; i < watched.length; i++) {
      var w = watched[i];
      if (!w.submitting && snapshot(w.form) !== w.initial) return true;
    }
    return false;
  }

  window.addEventListener("beforeunload", function (event) {
    if (!hasUnsavedChanges()) return undefined;
    // Browsers show their own text; setting returnValue is what asks them to.
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  // --- PDF feedback -----------------------------------------------------------------

  var liveRegion = null;

  /* The live region is in the page from the start (empty, so invisible): screen readers
     announce changes of a region they already know, not of one that appears with its text. */
  function createLiveRegion() {
    if (liveRegion || !document.querySelector("[data-pdf-feedback]")) return;
    liveRegion = document.createElement("p");
    liveRegion.className = "pdf-status";
    liveRegion.setAttribute("role", "status");
    liveRegion.setAttribute("aria-live", "polite");
    (document.querySelector("main") || document.body).appendChild(liveRegion);
  }

  function announce(text) {
    createLiveRegion();
    if (liveRegion) liveRegion.textContent = text;
  }

  function pdfStatusText(element) {
    return element.getAttribute("data-pdf-feedback") || "PDF wird erstellt \u2026";
  }

  function setBusy(element, busy) {
    if (busy) {
      element.setAttribute("aria-disabled", "true");
      element.setAttribute("data-busy", "true");
      element.classList.add("is-busy");
    } else {
      element.removeAttribute("aria-disabled");
      element.removeAttribute("data-busy");
      element.classList.remove("is-busy");
    }
  }

  var busyElements = [];

  function resetAllBusy() {
    while (busyElements.length) setBusy(busyElements.pop(), false);
    announce("");
  }

  function startPdf(element) {
    setBusy(element, true);
    busyElements.push(element);
    announce(pdfStatusText(element));
    window.setTimeout(function () {
      var at = busyElements.indexOf(element);
      if (at >= 0) {
        busyElements.splice(at, 1);
        setBusy(element, false);
        if (!busyElements.length) announce("");
      }
    }, PDF_BUSY_MS);
  }

  // A page restored from the back/forward cache (after viewing an inline PDF) starts fresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) resetAllBusy();
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-pdf-feedback]") : null;
    if (!link) return;
    if (link.getAttribute("data-busy") === "true") {
      event.preventDefault();  // the PDF is already being made: no second request
      return;
    }
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    startPdf(link);
  });

  // --- one submit listener for confirmation, unsaved state and PDF buttons ----------

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var pdfButton = submitter && submitter.hasAttribute("data-pdf-feedback") ? submitter
      : (form.hasAttribute("data-pdf-feedback") ? form : null);
    if (pdfButton && pdfButton.getAttribute("data-busy") === "true") {
      event.preventDefault();  // a PDF is already being made for this form
      return;
    }
    var message = confirmMessage(form, submitter);
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    for (var i = 0; i < watched.length; i++) {
      if (watched[i].form === form) watched[i].submitting = true;
    }
    if (pdfButton) startPdf(pdfButton);
  });

  // --- print: the full address of every PDF link (shown by the print stylesheet) --------

  function markPrintUrls() {
    var links = document.querySelectorAll('a[data-pdf-feedback], a[href$=".pdf"]');
    for (var i = 0; i < links.length; i++) links[i].setAttribute("data-print-url", links[i].href);
  }

  function init() {
    watchForms();
    markPrintUrls();
    createLiveRegion();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
