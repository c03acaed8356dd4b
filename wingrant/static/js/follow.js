/* Public live page: follows the meeting without reloading.
 *
 * Every 2.5 s it asks the tiny JSON endpoint, sending the version it shows as
 * If-None-Match: nothing new is a bodiless 304 from one database query. Only when
 * the version changed does it fetch the server-rendered stage and swap it in.
 * Without JavaScript the page keeps its "Aktualisieren" link, and the signal form posts as a plain form.
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
              refreshPanel();
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

  /* The signal form ("Melden") lives outside the stage, so that someone else's signal does not
   * swap away a reason being typed. It is fetched again when the item changed, or - to show this
   * device's signal as recorded or dismissed - when nobody is typing in it. */
  function panel() {
    return document.getElementById("meldung");
  }

  function busyTyping(section) {
    if (section.contains(document.activeElement) && document.activeElement !== section.querySelector("h2")) {
      return true;
    }
    var fields = section.querySelectorAll("textarea, select");
    for (var i = 0; i < fields.length; i += 1) {
      var f = fields[i];
      if (f.tagName === "TEXTAREA" ? f.value !== f.defaultValue : f.selectedIndex > 0) {
        return true;
      }
    }
    return false;
  }

  function replacePanel(html, focus, keepStatus) {
    var old = panel();
    if (!old) {
      return false;
    }
    var holder = document.createElement("div");
    holder.innerHTML = html; // our own server-rendered, escaped template
    var fresh = holder.querySelector("#meldung");
    if (!fresh) {
      return false;
    }
    var oldStatus = old.querySelector("#signal-status");
    var freshStatus = fresh.querySelector("#signal-status");
    if (keepStatus && oldStatus && freshStatus && !freshStatus.textContent.trim()) {
      freshStatus.innerHTML = oldStatus.innerHTML; // "Ihre Meldung ist angekommen" stays while on this item
    }
    old.parentNode.replaceChild(fresh, old);
    if (focus) {
      var target = fresh.querySelector(".flash") ? fresh.querySelector("h2") : null;
      if (target) {
        target.focus();
      }
    }
    return true;
  }

  function refreshPanel() {
    var section = panel();
    if (!section) {
      return;
    }
    var current = stage.querySelector("[data-item]");
    var item = current ? current.getAttribute("data-item") : "";
    if (item === section.getAttribute("data-item") && busyTyping(section)) {
      return;
    }
    fetch(section.getAttribute("data-fragment-url"), { credentials: "same-origin", cache: "no-store", redirect: "error" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) { replacePanel(html, false, item === section.getAttribute("data-item")); })
      .catch(function () { /* the next change tries again */ });
  }

  // Progressive: without JavaScript the form posts and the page comes back; with it only the panel does.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest("#meldung")) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
      var chosen = document.createElement("input"); // for the plain post below, should it be needed
      chosen.type = "hidden";
      chosen.name = event.submitter.name;
      chosen.value = event.submitter.value;
      form.appendChild(chosen);
    }
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].disabled = true;
    }
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", cache: "no-store", redirect: "error",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (!replacePanel(html, true)) {
          form.submit(); // not the panel (an expired session, say): the plain post shows the page
          return;
        }
        poll(); // the counts
      })
      .catch(function () {
        form.submit(); // the plain post still works
      });
  });

  window.setInterval(poll, INTERVAL_MS);
})();
