// Follows a job: polls /api/jobs/<id> (with the session cookie) and reloads the page when it ends.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var id = section.getAttribute("data-job-id");
  var state = document.getElementById("job-state");
  var status = document.getElementById("job-status");
  var bar = document.getElementById("job-progress");
  function show(job) {
    var text = job.status + (job.step ? ": " + job.step : "") + (job.total ? " (" + job.done + " of " + job.total + ")" : "");
    if (status && status.textContent !== text) {
      status.textContent = "";
      var strong = document.createElement("strong");
      strong.id = "job-state";
      strong.textContent = text;
      status.appendChild(strong);
    }
    if (bar) {
      bar.max = job.total || 1;
      bar.value = job.total ? job.done : 0;
    }
  }
  function poll() {
    fetch("/api/jobs/" + encodeURIComponent(id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (job) {
        show(job);
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (state) { window.setTimeout(poll, 500); }
}());
