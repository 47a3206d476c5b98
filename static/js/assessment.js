// Field errors (400) and refused concurrent saves (409) carry the re-rendered requirement: show them.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 400 || status === 409) { event.detail.shouldSwap = true; event.detail.isError = false; }
});
