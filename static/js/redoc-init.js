// Starts Redoc with this page's CSP nonce (readable as the script's .nonce property, hidden from attributes),
// so the <style> elements Redoc inserts are allowed without 'unsafe-inline' (core/api_docs.py).
(function () {
  "use strict";
  var script = document.currentScript;
  Redoc.init(script.getAttribute("data-schema-url"), { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
