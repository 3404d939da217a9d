// Starts Swagger UI on /docs. It lives in a file because the pages' Content-Security-Policy
// runs no inline script; the page says where the OpenAPI description is (data-openapi-url).
"use strict";

const container = document.getElementById("swagger-ui");

window.ui = SwaggerUIBundle({
  url: container.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,  // the default sends the description to validator.swagger.io for a badge
  presets: [SwaggerUIBundle.presets.apis],
});
