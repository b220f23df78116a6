// GOI: a live countdown to a challenge's deadline. The server renders the same numbers, so the page works without it.
(function () {
  "use strict";
  var MINUTE = 60 * 1000;
  document.querySelectorAll(".countdown[data-deadline]").forEach(function (element) {
    var deadline = Date.parse(element.getAttribute("data-deadline"));
    if (isNaN(deadline)) { return; }
    var units = {};
    element.querySelectorAll("[data-unit]").forEach(function (span) {
      units[span.getAttribute("data-unit")] = span;
    });
    var timer = null;
    var update = function () {
      var left = deadline - Date.now();
      if (left <= 0) {
        element.textContent = element.getAttribute("data-expired-text") || "";
        if (timer !== null) { window.clearInterval(timer); }
        return;
      }
      var minutes = Math.floor(left / MINUTE);
      var values = { days: Math.floor(minutes / 1440), hours: Math.floor(minutes / 60) % 24, minutes: minutes % 60 };
      Object.keys(values).forEach(function (unit) {
        if (units[unit]) { units[unit].textContent = String(values[unit]); }
      });
    };
    update();
    timer = window.setInterval(update, 15 * 1000);
  });
})();
