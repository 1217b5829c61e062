// htmx hooks only: every page works without this file.
document.addEventListener("htmx:afterSettle", function (event) {
  // After a submitted form comes back with errors, move focus to its error summary so screen readers
  // announce it. The form itself was replaced (outerHTML), so look the summary up in the document; a
  // question re-checking itself on change must not pull the focus away.
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  var summary = document.getElementById("error-summary");
  if (summary && source && source.tagName === "FORM") {
    summary.focus();
  }
});

// Survey display conditions: hide a question until the answer it depends on is chosen. Without this
// script every question shows, with a note saying when to answer it, and the server ignores the rest.
function applySurveyConditions(form) {
  form.querySelectorAll("[data-condition]").forEach(function (question) {
    var id = question.getAttribute("data-condition");
    var chosen = form.querySelector('[name^="q"][value="' + id + '"]:checked, input[type="hidden"][name^="q"][value="' + id + '"]');
    question.hidden = !chosen;
  });
}
document.addEventListener("change", function (event) {
  var form = event.target.closest && event.target.closest("#survey-form");
  if (form) {
    applySurveyConditions(form);
  }
});
document.addEventListener("htmx:afterSettle", function () {
  var form = document.getElementById("survey-form");
  if (form) {
    applySurveyConditions(form);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("survey-form");
  if (form) {
    applySurveyConditions(form);
  }
});

// Pollution report: fill the coordinates from the phone's location when the reporter asks.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-geolocate]");
  if (!button || !navigator.geolocation) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("latitude").value = position.coords.latitude.toFixed(6);
      document.getElementById("longitude").value = position.coords.longitude.toFixed(6);
    });
  });
});

// Fields needed only for one choice of a radio group (data-shown-by="name:value", e.g. the reporter's name and
// phone for a real-name report) are hidden until that choice is made. Without this script they stay visible,
// marked for that choice, and the server ignores them otherwise.
function applyShownBy() {
  document.querySelectorAll("[data-shown-by]").forEach(function (group) {
    var parts = group.getAttribute("data-shown-by").split(":");
    var form = group.closest("form") || document;
    group.hidden = !form.querySelector('input[name="' + parts[0] + '"][value="' + parts[1] + '"]:checked');
  });
}
document.addEventListener("change", function (event) {
  if (event.target.type === "radio") {
    applyShownBy();
  }
});
document.addEventListener("DOMContentLoaded", applyShownBy);
