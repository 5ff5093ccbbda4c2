/* The office's small enhancements; every page works without them.
   - a "select all" box over the bulk checkboxes of a queue;
   - a filter box above long org lists (select[data-filter]): type part of a name. */
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (all) {
    var form = all.closest("form");
    all.hidden = false;
    all.addEventListener("change", function () {
      form.querySelectorAll('input[name="appeals"]').forEach(function (box) { box.checked = all.checked; });
    });
  });
  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "office-filter";
    input.placeholder = "输入名称筛选";
    input.setAttribute("aria-label", "筛选：" + (select.labels && select.labels[0] ? select.labels[0].textContent : ""));
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var words = input.value.trim();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = words !== "" && option.value !== "" && option.text.indexOf(words) === -1;
      });
    });
  });
})();
