// htmx hooks only: every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // After a form comes back with errors, move focus to its error summary so screen readers announce it.
  var summary = event.detail.target.querySelector("#error-summary");
  if (summary) {
    summary.focus();
  }
});
