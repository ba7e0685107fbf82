/* Starts Swagger UI on /api/v1/docs (templates/swagger_ui.html) without an inline script. */
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui-container");
  var config = { url: container.getAttribute("data-spec-url"), dom_id: "#swagger-ui-container" };
  var overrides = JSON.parse(container.getAttribute("data-config") || "{}");
  Object.keys(overrides).forEach(function (name) { config[name] = overrides[name]; });
  window.ui = SwaggerUIBundle(config);
})();
