/* A button that copies a field's text: data-copy="SELECTOR" names the field, data-copied the word shown after.
   Without the clipboard API (an old browser, a page not served over HTTPS) the field's text is selected instead,
   ready for the phone's own copy. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    if (!navigator.clipboard) return;
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-copied") || button.textContent;
    });
  });
})();
