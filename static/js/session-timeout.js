// The idle-timeout warning. The server ends the session on its own (accounts/sessions.py);
// this only warns SESSION_WARNING_BEFORE the end and lets the person choose to stay.
// Numbers and URLs come from <body data-session-*>; the dialog is in
// templates/includes/session_timeout.html.
(function () {
  "use strict";

  var body = document.body;
  var dialog = document.getElementById("session-timeout-dialog");
  if (!dialog || !body.hasAttribute("data-session-seconds-left")) { return; }

  var warningSeconds = parseInt(body.getAttribute("data-session-warning-seconds"), 10);
  var statusUrl = body.getAttribute("data-session-status-url");
  var keepaliveUrl = body.getAttribute("data-session-keepalive-url");
  var endedUrl = body.getAttribute("data-session-ended-url");
  var countdown = document.getElementById("session-timeout-countdown");
  var live = document.getElementById("session-timeout-live");
  var stay = document.getElementById("session-timeout-stay");
  var finalNote = document.getElementById("session-timeout-final");
  var form = dialog.querySelector("form");

  var deadline = 0;       // Date.now() at which the server ends the session
  var warnTimer = null;
  var tickTimer = null;
  var lastFocus = null;
  var announced = {};

  function secondsLeft() {
    return Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  }

  function spoken(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function signedOut() {
    // The server has ended (or is ending) the session; it sends the page to the login page,
    // which says why.
    var next = window.location.pathname + window.location.search;
    window.location.assign(endedUrl + "?next=" + encodeURIComponent(next));
  }

  // Announce politely, and only now and then: on opening, at one minute, 30 and 10 seconds.
  function announce(seconds) {
    var marks = [60, 30, 10];
    var key = null;
    if (!announced.open) { key = "open"; }
    for (var i = 0; i < marks.length && key === null; i++) {
      if (seconds <= marks[i] && !announced[marks[i]]) { key = marks[i]; }
    }
    if (key === null) { return; }
    announced.open = true;
    marks.forEach(function (mark) { if (seconds <= mark) { announced[mark] = true; } });
    live.textContent = "You will be signed out in " + spoken(seconds) + ".";
  }

  function tick() {
    var seconds = secondsLeft();
    countdown.textContent = clock(seconds);
    announce(seconds);
    if (seconds <= 0) {
      window.clearInterval(tickTimer);
      signedOut();
    }
  }

  function focusable() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("button, [href], input:not([type=hidden]), [tabindex]:not([tabindex='-1'])"),
      function (el) { return !el.disabled && !el.hidden && el.offsetParent !== null; }
    );
  }

  function open() {
    if (dialog.open) { return; }
    lastFocus = document.activeElement;
    announced = {};
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    (stay.hidden ? focusable()[0] : stay).focus();
    tick();
    tickTimer = window.setInterval(tick, 1000);
  }

  function close() {
    window.clearInterval(tickTimer);
    live.textContent = "";
    if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
    if (lastFocus && typeof lastFocus.focus === "function") { lastFocus.focus(); }
  }

  function schedule(seconds) {
    deadline = Date.now() + seconds * 1000;
    window.clearTimeout(warnTimer);
    warnTimer = window.setTimeout(check, Math.max(0, (seconds - warningSeconds) * 1000));
  }

  function json(response) {
    if (response.status === 401) { signedOut(); throw new Error("signed out"); }
    return response.json();
  }

  // Before warning, ask the server: activity in another tab may have moved the end.
  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(json)
      .then(function (data) {
        deadline = Date.now() + data.seconds_left * 1000;
        if (data.seconds_left > warningSeconds) {
          close();
          schedule(data.seconds_left);
        } else {
          window.clearTimeout(warnTimer);
          open();
        }
      })
      .catch(function () { if (secondsLeft() <= warningSeconds) { open(); } });
  }

  function stayTapped() {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    })
      .then(json)
      .then(function (data) {
        if (data.seconds_left > warningSeconds) {
          close();
          schedule(data.seconds_left);
        } else {
          // The absolute limit is near: staying cannot move it.
          deadline = Date.now() + data.seconds_left * 1000;
          stay.hidden = true;
          finalNote.hidden = false;
          focusable()[0].focus();
        }
      })
      .catch(function () { /* signedOut() already navigates on 401 */ });
  }

  stay.addEventListener("click", stayTapped);

  // Escape means the person is here: treat it as "Stay signed in".
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (!stay.hidden) { stayTapped(); }
  });

  // Keep Tab and Shift+Tab inside the dialog.
  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var items = focusable();
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  schedule(parseInt(body.getAttribute("data-session-seconds-left"), 10));
})();
