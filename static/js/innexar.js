// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Selects marked data-autosubmit (the language switch) submit their form on change;
  // a <noscript> button covers browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();
