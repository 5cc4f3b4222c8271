// Progressive enhancement only: the server enforces every rule these mirror.
(function () {
  "use strict";

  // A button with data-requires-checkbox="<id>" stays disabled until that box is checked.
  document.querySelectorAll("[data-requires-checkbox]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-requires-checkbox"));
    if (!box) { return; }
    var sync = function () {
      button.disabled = !box.checked;
      button.setAttribute("aria-disabled", String(!box.checked));
    };
    box.addEventListener("change", sync);
    window.addEventListener("pageshow", sync);  // back/forward cache restores the box's state
    sync();
  });

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // A form with errors: focus its summary. Otherwise each new step of a wizard (its h1 marked
  // data-step-heading) takes the focus, so a screen reader announces where the person now is
  // and Tab continues from the top of the step's content.
  var summary = document.getElementById("error-summary");
  var heading = document.querySelector("h1[data-step-heading]");
  if (summary) { summary.focus(); } else if (heading) { heading.focus(); }
})();
