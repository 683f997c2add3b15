// Live reload for `build.py serve` (added to pages as they are served, never to site/).
// Listens to the dev server's event stream: reloads the page after a successful rebuild,
// shows the build errors over the page while a rebuild fails. The errors can be dismissed
// (the close button or Escape) to look at the page; different errors show again. A hidden
// tab lets go of its connection and catches up when it is shown again.
(function () {
  "use strict";
  var script = document.currentScript;
  var pageBuild = script ? script.getAttribute("data-serve-build") : "";
  var source = null;
  var overlay = null;
  var dismissed = "";  // the errors the reader closed, as one text

  function addStyles() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/__serve/overlay.css";
    document.head.appendChild(link);
  }

  function showErrors(state) {
    var text = state.summary + "\n" + state.errors.join("\n");
    if (text === dismissed) {
      return;
    }
    dismissed = "";
    if (!overlay) {
      addStyles();
      overlay = document.createElement("section");
      overlay.id = "briefing-serve-errors";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "briefing-serve-close";
    close.textContent = "Dismiss";
    close.setAttribute("aria-label", "Dismiss the build errors");
    close.addEventListener("click", function () {
      dismiss(text);
    });
    var heading = document.createElement("h2");
    heading.textContent = state.summary;
    var list = document.createElement("pre");
    list.textContent = state.errors.join("\n");
    overlay.replaceChildren(close, heading, list);
    overlay.setAttribute("data-errors", text);
  }

  function dismiss(text) {
    dismissed = text;
    hideErrors();
  }

  function hideErrors() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && overlay) {
      dismiss(overlay.getAttribute("data-errors"));
    }
  });

  function onState(event) {
    var state = JSON.parse(event.data);
    if (state.errors.length) {
      showErrors(state);
    } else if (state.build !== pageBuild) {
      disconnect();
      window.location.reload();
    } else {
      dismissed = "";
      hideErrors();
    }
  }

  function connect() {
    if (!source) {
      source = new EventSource("/__serve/events");
      source.addEventListener("state", onState);
    }
  }

  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      disconnect();
    } else {
      connect();
    }
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.visibilityState !== "hidden") {
      connect();
    }
  });
  if (document.visibilityState !== "hidden") {
    connect();
  }
})();
