// The "Copy link" button of a challenge page: copies the link of its readonly field and says so in the status line.
// Shown only when this script runs; without it the field can still be selected and copied by hand.
(function () {
  "use strict";

  function say(button, text) {
    var status = button.closest(".share").querySelector(".share-status");
    if (status) {
      status.textContent = text;
    }
  }

  function copyBySelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { say(button, button.getAttribute("data-copied-text")); };
      var fallback = function () {
        say(button, button.getAttribute(copyBySelection(field) ? "data-copied-text" : "data-failed-text"));
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
