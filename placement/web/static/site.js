// Progressive enhancement only: every page works without this file.
// After a failed submit, move focus to the error summary so a screen reader announces it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
