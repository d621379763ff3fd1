// Keyboard shortcuts of the labelling page: a label's number chooses it, s skips, u undoes.
(function () {
  "use strict";
  var form = document.getElementById("label-form");
  if (!form) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "textarea" || tag === "select" || (tag === "input" && target.type !== "checkbox")) { return; }
    var key = event.key === "Enter" ? "Enter" : event.key.toLowerCase();
    var control = form.querySelector('[data-key="' + key + '"]');
    if (!control) { return; }
    event.preventDefault();
    if (control.type === "checkbox") {
      control.checked = !control.checked;
      control.focus();
    } else {
      control.click();
    }
  });
}());
