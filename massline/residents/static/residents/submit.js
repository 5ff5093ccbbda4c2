// The submit form, enhanced: type-ahead filters for the category and region pickers, previews
// and limits of attachments, a draft kept in localStorage until the appeal is sent, and one
// submission per click. Without this file the form is a plain form that works the same.
(function () {
  "use strict";

  // After a successful submission the page names the draft to forget.
  var done = document.querySelector("[data-draft-clear]");
  if (done) {
    try { localStorage.removeItem(done.getAttribute("data-draft-clear")); } catch (e) { /* private mode */ }
    return;
  }
  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  // The page's words, translated by the template: t("found", {n: 3}).
  function t(name, values) {
    var text = form.getAttribute("data-t-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }

  // The draft: every field but the files and the token, saved as it is typed.
  var key = form.getAttribute("data-draft");
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit";
  });
  function save() {
    var data = {};
    fields.forEach(function (el) {
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* full or private */ }
  }
  function restore() {
    var data;
    try { data = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { data = null; }
    if (!data) return;
    // The page was sent back with an error: what the server kept wins.
    if (form.querySelector(".field--error")) return;
    fields.forEach(function (el) {
      if (!(el.name in data)) return;
      if (el.type === "radio") el.checked = el.value === data[el.name];
      else el.value = data[el.name];
    });
    var note = document.createElement("p");
    note.className = "notice notice--info";
    note.setAttribute("role", "status");
    note.textContent = t("restored");
    form.parentNode.insertBefore(note, form);
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  // Attachments: previews, and the limits checked before sending.
  var fileInput = form.querySelector("[data-attachments] input[type=file]");
  var previews = form.querySelector("[data-previews]");
  var limit = parseInt(form.getAttribute("data-attachment-limit"), 10) || 9;
  var maxBytes = parseInt(form.getAttribute("data-attachment-bytes"), 10) || 10485760;
  var allowed = /^(image\/(jpeg|png|gif|webp)|application\/pdf)$/;
  function problemOf(file, index) {
    if (index >= limit) return t("too-many", { n: limit });
    if (!allowed.test(file.type)) return t("bad-type");
    if (file.size > maxBytes) return t("too-big", { n: Math.floor(maxBytes / 1048576) });
    return "";
  }
  if (fileInput && previews) {
    fileInput.addEventListener("change", function () {
      previews.textContent = "";
      var bad = 0;
      Array.prototype.forEach.call(fileInput.files, function (file, i) {
        var li = document.createElement("li");
        var problem = problemOf(file, i);
        if (problem) { li.className = "is-refused"; bad += 1; }
        if (!problem && file.type.indexOf("image/") === 0) {
          var img = document.createElement("img");
          img.alt = "";
          img.src = URL.createObjectURL(file);
          img.onload = function () { URL.revokeObjectURL(img.src); };
          li.appendChild(img);
        }
        li.appendChild(document.createTextNode(file.name + (problem ? "：" + problem : "")));
        previews.appendChild(li);
      });
      fileInput.setCustomValidity(bad ? t("refused") : "");
    });
  }

  // One submission: the button is disabled once the form is on its way.
  form.addEventListener("submit", function (event) {
    if (fileInput && fileInput.validationMessage) {
      event.preventDefault();
      fileInput.reportValidity();
      return;
    }
    save();
    var button = form.querySelector("[data-submit]");
    if (form.getAttribute("data-sending")) { event.preventDefault(); return; }
    form.setAttribute("data-sending", "1");
    if (button) { button.setAttribute("aria-disabled", "true"); button.textContent = t("sending"); }
  });
  window.addEventListener("pageshow", function () {
    form.removeAttribute("data-sending");
  });
})();
