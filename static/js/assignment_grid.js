// The assignment grid: after assigning or unassigning, the page comes back with #cell-<proposal>-<member>; the focus
// goes to that cell's button (or the cell), so that a keyboard user goes on from where they were.
(function () {
  "use strict";

  var hash = window.location.hash;
  if (!/^#cell-\d+-\d+$/.test(hash)) {
    return;
  }
  var cell = document.getElementById(hash.slice(1));
  if (!cell) {
    return;
  }
  var target = cell.querySelector("button") || cell;
  target.focus();
})();
