// Behaviour that templates declare with data- attributes: the Content Security Policy allows no inline
// script or on*="" handler, so each page's markup says what it wants and this file does it.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the organisation switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // <button data-confirm="question">: ask before submitting (removing a member, revoking a token).
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
