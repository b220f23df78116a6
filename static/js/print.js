// GOI: a "Print" button (data-print) opens the browser's print dialog; static/css/print.css lays the page out.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
