/* Parts of a form shown only when a choice they depend on is ticked:
   <div data-show-if="help_kinds:tutoring"> is shown while the checkbox named
   help_kinds with the value tutoring is checked. Without JavaScript everything
   stays visible, and the server ignores what does not apply. */
(function () {
  "use strict";
  function update() {
    document.querySelectorAll("[data-show-if]").forEach(function (part) {
      var spec = part.getAttribute("data-show-if").split(":");
      var scope = part.closest("form") || document;
      part.hidden = !spec[1].split(",").some(function (value) {
        var box = scope.querySelector('input[name="' + spec[0] + '"][value="' + value + '"]');
        return box !== null && box.checked;
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox]")) { update(); }
  });
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:load", update);
})();
