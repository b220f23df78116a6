// Assign automatically: a solve may take seconds. On submit the button is disabled (no second solve) and the status
// beside it counts the seconds ("Solving… 3 s"), read politely by screen readers; the result page says how long it took.
(function () {
  "use strict";

  var timers = [];

  function start(form) {
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".auto-assign-status");
    var message = form.getAttribute("data-solving") || "";
    var seconds = 0;
    function show() {
      if (status) {
        status.textContent = message.replace("{seconds}", String(seconds));
      }
    }
    // Disabled after the browser has taken the submission, so that the form is still sent.
    window.setTimeout(function () {
      if (button) {
        button.disabled = true;
      }
    }, 0);
    form.setAttribute("aria-busy", "true");
    show();
    timers.push(
      window.setInterval(function () {
        seconds += 1;
        show();
      }, 1000)
    );
  }

  function reset() {
    timers.forEach(window.clearInterval);
    timers = [];
    Array.prototype.forEach.call(document.querySelectorAll("form.auto-assign-form"), function (form) {
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector(".auto-assign-status");
      if (button) {
        button.disabled = false;
      }
      if (status) {
        status.textContent = "";
      }
      form.removeAttribute("aria-busy");
    });
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("form.auto-assign-form"), function (form) {
      form.addEventListener("submit", function () {
        start(form);
      });
    });
    // On the result page the focus goes to the proposal, which a keyboard or screen reader user would hunt for.
    var heading = document.getElementById("preview-heading");
    if (heading) {
      heading.focus();
    }
  }

  // A page the Back button restores comes back as it was left: its button disabled and its count running.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      reset();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
