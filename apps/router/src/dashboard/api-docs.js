/*
 * Starts Swagger UI on the router's own OpenAPI document. A file, not an inline script, so the
 * page runs under the same Content-Security-Policy as the dashboard (script-src 'self').
 */
(function () {
  'use strict';
  window.cxApiExplorer = window.SwaggerUIBundle({
    url: new URL('openapi.json', document.baseURI).toString(),
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null, // never call an outside validator
    tryItOutEnabled: false,
    persistAuthorization: false, // a pasted key stays in memory only
  });
})();
