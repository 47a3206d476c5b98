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

  // <fieldset data-picker>: the search box hides the options that do not match; the legend counts the
  // ticked ones. Matching ignores case and spaces so "cloud flare" finds "Cloudflare".
  function norm(text) { return (text || "").toLowerCase().replace(/\s+/g, ""); }
  function pickerCount(picker) {
    var count = picker.querySelector("[data-picker-count]");
    if (count) {
      var ticked = picker.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = ticked ? "(" + ticked + ")" : "";
    }
  }
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.hasAttribute("data-picker-search")) { return; }
    var picker = target.closest("[data-picker]");
    var wanted = norm(target.value);
    picker.querySelectorAll(".picker-option").forEach(function (option) {
      option.hidden = wanted !== "" && norm(option.textContent).indexOf(wanted) === -1;
    });
  });
  document.addEventListener("change", function (event) {
    var picker = event.target instanceof Element ? event.target.closest("[data-picker]") : null;
    if (picker) { pickerCount(picker); }
  });
  // Navigation groups: opening one closes the others, and a click elsewhere closes them all.
  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (group instanceof HTMLDetailsElement && group.hasAttribute("data-navgroup") && group.open) {
      document.querySelectorAll("details[data-navgroup][open]").forEach(function (other) {
        if (other !== group) { other.open = false; }
      });
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("details[data-navgroup]")) { return; }
    document.querySelectorAll("details[data-navgroup][open]").forEach(function (group) { group.open = false; });
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(pickerCount);
    // The error summary takes the focus, so a keyboard or screen-reader user starts at the problems.
    var summary = document.querySelector("[data-testid=error-summary]");
    if (summary) { summary.focus(); }
  });
})();
