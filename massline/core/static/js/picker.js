// Type-ahead pickers: an input above each `[data-picker] select` keeps only the options whose
// text, group or words (data-words: what residents call it, 路灯 for 城市公共设施) match. The
// texts come from the form's data-t-* attributes. Without this file the select works as it is.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    function t(name, values) {
      var text = form.getAttribute("data-t-" + name) || "";
      Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
      return text;
    }
    // Pickers: an input above the <select> keeps only the options whose text (or group) matches.
    Array.prototype.forEach.call(form.querySelectorAll("[data-picker] select"), function (select) {
      var label = form.querySelector('label[for="' + select.id + '"]');
      var input = document.createElement("input");
      input.type = "search";
      input.className = "picker-filter";
      input.id = select.id + "_filter";
      input.setAttribute("aria-controls", select.id);
      input.placeholder = t("filter");
      var filterLabel = document.createElement("label");
      filterLabel.className = "visually-hidden";
      filterLabel.htmlFor = input.id;
      filterLabel.textContent = t("filter-label", { label: label ? label.textContent.replace(/\s*\*$/, "").trim() : "" });
      var count = document.createElement("span");
      count.className = "picker-count";
      count.setAttribute("aria-live", "polite");
      select.parentNode.insertBefore(filterLabel, select);
      select.parentNode.insertBefore(input, select);
      select.parentNode.insertBefore(count, select.nextSibling);
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0, first = null;
        Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
          var any = false;
          Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
            var text = (group.label + " " + option.textContent + " " + (option.getAttribute("data-words") || "")).toLowerCase();
            var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
            option.hidden = !hit;
            option.disabled = !hit;
            if (hit) { any = true; shown += 1; first = first || option; }
          });
          group.hidden = !any;
        });
        count.textContent = words.length ? t("found", { n: shown }) : "";
        var current = select.options[select.selectedIndex];
        if (words.length && first && (!current || !current.value || current.hidden)) {
          first.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });

  });
})();
