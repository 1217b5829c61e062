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

// A filter form's results were swapped in: say so in the page's persistent live region (a region that is
// itself swapped out is not announced reliably). The new results may name themselves [data-result-summary].
document.addEventListener("htmx:afterSettle", function (event) {
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  var live = document.getElementById("live-status");
  if (!live || !source || source.tagName !== "FORM" || event.detail.requestConfig.verb !== "get") {
    return;
  }
  var target = source.getAttribute("hx-target");
  var results = target ? document.querySelector(target) : null;
  var summary = results && results.querySelector("[data-result-summary]");
  var message = live.getAttribute("data-updated") + (summary ? " " + summary.textContent.trim() : "");
  // Emptied first, so that the same message said twice is announced twice.
  live.textContent = "";
  window.setTimeout(function () {
    live.textContent = message;
  }, 100);
});

// Copy buttons (tracking codes): shown only when the browser can copy; without them the code is selected
// whole with one click.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy")).textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = button.getAttribute("data-copied");
        var live = document.getElementById("live-status");
        if (live) {
          live.textContent = button.getAttribute("data-copied");
        }
        window.setTimeout(function () {
          button.textContent = label;
        }, 3000);
      });
    });
  });
});
