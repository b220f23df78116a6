// GOI: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before actions marked data-confirm (removing members, disabling accounts).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Keep only the regency options of the chosen province.
  document.querySelectorAll("select[data-province-for]").forEach(function (provinceSelect) {
    var regencySelect = document.getElementById(provinceSelect.getAttribute("data-province-for"));
    if (!regencySelect) { return; }
    var filter = function () {
      var province = provinceSelect.value;
      Array.prototype.forEach.call(regencySelect.options, function (option) {
        var visible = !option.value || !province || option.value.indexOf(province + ".") === 0;
        option.hidden = !visible;
        option.disabled = !visible;
      });
      var selected = regencySelect.options[regencySelect.selectedIndex];
      if (selected && selected.disabled) { regencySelect.value = ""; }
    };
    provinceSelect.addEventListener("change", filter);
    filter();
  });
})();
