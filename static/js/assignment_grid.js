// The assignment grid: after assigning or unassigning, the page comes back with #cell-<proposal>-<member>; the focus
// goes to that cell's button (or the cell), so that a keyboard user goes on from where they were. It is set once the
// page has loaded, after the browser's own move to the fragment, which would otherwise take it away.
(function () {
  "use strict";

  function focusCell() {
    var hash = window.location.hash;
    if (!/^#cell-\d+-\d+$/.test(hash)) {
      return;
    }
    var cell = document.getElementById(hash.slice(1));
    if (!cell) {
      return;
    }
    var target = cell.querySelector("button");
    if (!target) {
      // A cell without a button (a conflict, a decline) takes the focus itself, so that Tab goes on from there.
      cell.setAttribute("tabindex", "-1");
      target = cell;
    }
    target.focus();
  }

  if (document.readyState === "complete") {
    focusCell();
  } else {
    window.addEventListener("load", focusCell);
  }
})();
