/* An import's progress bar: polls the status route named by data-import-status every second, moves the bar, and
   reloads the page when the check or the import is over (the page then shows the preview or the result). Works the
   same after a reload, since the page reads the status from the server each time. */
(function () {
  "use strict";

  var section = document.querySelector("[data-import-status]");
  if (!section) return;
  var url = section.getAttribute("data-import-status");
  var bar = section.querySelector("[data-import-bar]");
  var processed = section.querySelector("[data-import-processed]");
  var total = section.querySelector("[data-import-total]");
  var waiting = ["previewing", "checking", "queued", "running"];
  var first = null;

  function show(status) {
    var percent = status.total ? Math.min(100, (100 * status.processed) / status.total) : 0;
    bar.style.width = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(status.processed));
    processed.textContent = String(status.processed);
    total.textContent = String(status.total);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (status) {
        if (first === null) first = status.status;
        if (waiting.indexOf(status.status) === -1 || status.status !== first) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  poll();
})();
