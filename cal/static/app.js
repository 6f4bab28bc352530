/* Parts of a form shown only when a choice they depend on is made:
   <div data-show-if="help_kinds:tutoring"> is shown while the checkbox named
   help_kinds with the value tutoring is checked, or while the select named
   help_kinds has that value. Without JavaScript everything stays visible, and the
   server ignores what does not apply. */
(function () {
  "use strict";
  function chosen(scope, name, value) {
    var select = scope.querySelector('select[name="' + name + '"]');
    if (select !== null) { return select.value === value; }
    var box = scope.querySelector('input[name="' + name + '"][value="' + value + '"]');
    return box !== null && box.checked;
  }
  function update() {
    document.querySelectorAll("[data-show-if]").forEach(function (part) {
      var spec = part.getAttribute("data-show-if").split(":");
      var scope = part.closest("form") || document;
      part.hidden = !spec[1].split(",").some(function (value) {
        return chosen(scope, spec[0], value);
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox], input[type=radio], select")) { update(); }
  });
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:load", update);
})();
