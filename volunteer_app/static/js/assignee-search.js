/* The needs list's assignee filter: as staff type a name, the assignees whose name holds it are fetched from the
   field's data-assignee-search URL (at most 20, as JSON) and offered in its <datalist>, each as its name, which the
   server reads back. The datalist's own first option ("A department") stays. Without this script the field is
   plain text, read the same way. */
(function () {
  "use strict";

  var field = document.querySelector("input[data-assignee-search]");
  if (!field || !field.list) return;
  var list = field.list;
  var fixed = Array.prototype.slice.call(list.options);
  var timer = null;
  var asked = null;

  function show(assignees) {
    list.replaceChildren.apply(list, fixed);
    assignees.forEach(function (assignee) {
      var option = document.createElement("option");
      option.value = assignee.name;
      option.label = assignee.label;
      list.appendChild(option);
    });
  }

  function ask(text) {
    if (text === asked) return;
    asked = text;
    var url = field.getAttribute("data-assignee-search") + "?q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { assignees: [] }; })
      .then(function (answer) { if (asked === text) show(answer.assignees || []); })
      .catch(function () { /* no suggestions: the typed name is still read by the server */ });
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    var text = field.value.trim();
    timer = window.setTimeout(function () { ask(text); }, 200);
  });
  field.addEventListener("focus", function () { ask(field.value.trim()); });
})();
