// /docs: Swagger UI renders the service's own OpenAPI document (same origin, no third party).
// The page lists every operation without JavaScript; this only enhances it.
/* global SwaggerUIBundle */
const root = document.getElementById("swagger-ui");
if (root && typeof SwaggerUIBundle === "function") {
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: false, // its links sit inside the summary buttons (axe: nested-interactive)
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    supportedSubmitMethods: [],
  });
  document.body.classList.add("api-docs--enhanced");
}
