/* Beameransicht: follows the live meeting without reloading the page.
 *
 * Every 2.5 s it asks the small JSON endpoint for the meeting's state. When the
 * fingerprint changed (another item, a new objection, the outcome), it fetches
 * the server-rendered stage and swaps it in. No inline script, no framework:
 * the page works without JavaScript too (it then refreshes itself).
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2500;
  var stage = document.getElementById("beamer-stage");
  var status = document.getElementById("beamer-connection");
  if (!stage || !window.fetch) {
    return;
  }
  var stateUrl = stage.getAttribute("data-state-url");
  var fragmentUrl = stage.getAttribute("data-fragment-url");
  var fingerprint = stage.getAttribute("data-fingerprint");
  var busy = false;
  var failures = 0;

  function request(url, accept) {
    return fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error", // a login redirect means the session ended: show it, do not render the login page
      headers: { "Accept": accept }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response;
    });
  }

  function setStatus(text) {
    if (status && status.textContent !== text) {
      status.textContent = text;
    }
  }

  function poll() {
    if (busy) {
      return;
    }
    busy = true;
    request(stateUrl, "application/json")
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.fingerprint === fingerprint) {
          return null;
        }
        return request(fragmentUrl, "text/html")
          .then(function (response) { return response.text(); })
          .then(function (html) {
            stage.innerHTML = html; // our own server-rendered, escaped template
            fingerprint = state.fingerprint;
            stage.setAttribute("data-fingerprint", fingerprint);
          });
      })
      .then(function () {
        failures = 0;
        setStatus("");
      })
      .catch(function () {
        failures += 1;
        if (failures >= 2) {
          setStatus(stage.getAttribute("data-offline-text") || "Verbindung unterbrochen – neuer Versuch läuft …");
        }
      })
      .then(function () { busy = false; });
  }

  window.setInterval(poll, INTERVAL_MS);
})();
