/* Page behaviour, driven by data- attributes, so that pages need no inline script (the Content-Security-Policy
   allows scripts from this site only):
     data-print             a button or link that prints the page
     data-autosubmit        a select (or other field) that sends its form when changed
     data-select-on-focus   a read-only field whose text is selected when clicked, ready to copy
     data-tick-all="SEL"    a checkbox that ticks or clears every checkbox matching SEL
     data-width="N"         an element N% wide (a progress bar), since style= attributes are refused too */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var printer = target.closest("[data-print]");
    if (printer) {
      event.preventDefault();
      window.print();
      return;
    }
    var field = target.closest("[data-select-on-focus]");
    if (field && typeof field.select === "function") field.select();
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
    var selector = target.getAttribute("data-tick-all");
    if (selector) {
      document.querySelectorAll(selector).forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (element) {
      var percent = Math.max(0, Math.min(100, parseFloat(element.getAttribute("data-width")) || 0));
      element.style.width = percent + "%";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  } else {
    applyWidths(document);
  }
})();
