// massline: small enhancements; every page works without this file.
(function () {
  "use strict";

  // 关怀模式: the header's form posts to the server and reloads the page without JS; with JS the
  // class on <html> and the cookie change at once, and the form's next value is kept in step.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-care-toggle]")) return;
    event.preventDefault();
    var on = !document.documentElement.classList.contains("care");
    document.documentElement.classList.toggle("care", on);
    var cookie = form.getAttribute("data-cookie") || "massline_care";
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = on
      ? cookie + "=1; Path=/; Max-Age=31536000; SameSite=Lax" + secure
      : cookie + "=; Path=/; Max-Age=0; SameSite=Lax" + secure;
    var button = form.querySelector("button");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    var wanted = form.querySelector("input[name=care]");
    if (wanted) wanted.value = on ? "off" : "on";
  });
})();
