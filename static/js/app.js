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

  // htmx swaps only 2xx answers. A form refused for its fields answers 422 and a stale save 409, each with
  // the re-rendered fragment (field errors, the other person's answer): swap those in place too. (Never
  // 400: with DEBUG on, django-htmx's debug script replaces the whole page with a 400 answer.)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
