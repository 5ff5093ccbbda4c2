/* Swagger UI for /api/docs. The csrftoken cookie is read at each request: logging in rotates it. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.requestInterceptor = (req) => {
    const found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (found) req.headers["X-CSRFToken"] = decodeURIComponent(found[1]);
    return req;
  };
  SwaggerUIBundle(config);
})();
