// Starts the vendored Swagger UI on /api/docs. A file rather than an inline script, so the
// Content-Security-Policy (script-src 'self') needs no exception; nothing loads from the network
// (no validator, no remote assets).
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: false,
    tryItOutEnabled: false,
  });
});
