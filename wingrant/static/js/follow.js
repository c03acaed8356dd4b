/* Public live page: follows the meeting without reloading.
 *
 * Every 2.5 s it asks the tiny JSON endpoint, sending the version it shows as
 * If-None-Match: nothing new is a bodiless 304 from one database query. Only when
 * the version changed does it fetch the server-rendered stage and swap it in.
 * Without JavaScript the page keeps its "Aktualisieren" link.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2500;
  var stage = document.getElementById("live-stage");
  var status = document.getElementById("live-connection");
  if (!stage || !window.fetch) {
    return;
  }
  var stateUrl = stage.getAttribute("data-state-url");
  var fragmentUrl = stage.getAttribute("data-fragment-url");
  var version = stage.getAttribute("data-version");
  var busy = false;
  var failures = 0;

  function setStatus(text) {
    if (status && status.textContent !== text) {
      status.textContent = text;
    }
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(stateUrl, {
      credentials: "same-origin",
      cache: "no-store", // our own If-None-Match: the 304 reaches this script
      headers: { "Accept": "application/json", "If-None-Match": "\"" + version + "\"" }
    })
      .then(function (response) {
        if (response.status === 304) {
          return null;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json().then(function (state) {
          if (state.ended && state.url) {
            window.location.assign(state.url); // minutes approved: the meeting's page takes over
            return null;
          }
          if (state.version === version) {
            return null;
          }
          return fetch(fragmentUrl, { credentials: "same-origin", cache: "no-store", redirect: "error" })
            .then(function (response) {
              if (!response.ok) {
                throw new Error("HTTP " + response.status);
              }
              return response.text();
            })
            .then(function (html) {
              stage.innerHTML = html; // our own server-rendered, escaped template
              version = state.version;
              stage.setAttribute("data-version", version);
            });
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
