// The corpus pages' scripts. Every page works without them: they only save clicks.
"use strict";
(function () {
  // A select marked data-autosubmit submits its form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      if (sel.form) sel.form.submit();
    });
  });
  // The rule catalogue's filter: hides rules whose code, name and summary do not
  // contain what is typed.
  var filter = document.getElementById("rule-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      document.querySelectorAll("[data-rule]").forEach(function (el) {
        var hit = q === "" || el.getAttribute("data-rule").toLowerCase().indexOf(q) >= 0;
        el.classList.toggle("hidden-by-filter", !hit);
      });
    });
  }
})();
