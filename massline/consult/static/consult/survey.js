// 网上调研: hide the questions that the answers so far do not lead to (show conditions and
// skips), as the server decides on submit; without this file every question is shown and the
// server ignores the answers to questions that were not asked.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  function chosen(form, position) {
    var out = [];
    form.querySelectorAll('[name="q' + position + '"]:checked').forEach(function (el) {
      out.push(parseInt(el.value, 10));
    });
    return out;
  }
  function update(form) {
    var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
    var answers = {};
    var skipTo = 0;
    questions.forEach(function (el) {
      var position = parseInt(el.dataset.position, 10);
      var asked = position >= skipTo;
      if (asked && el.dataset.showIf) {
        var cond = JSON.parse(el.dataset.showIf);
        var given = answers[cond.question] || [];
        asked = cond.options.some(function (o) { return given.indexOf(o) >= 0; });
      }
      el.hidden = !asked;
      el.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !asked; });
      if (!asked) return;
      answers[position] = chosen(form, position);
      if (el.dataset.skip && answers[position].length) {
        var target = JSON.parse(el.dataset.skip)[String(answers[position][0])];
        if (target) skipTo = target;
      }
    });
  }
  ready(function () {
    var form = document.querySelector("form[data-survey]");
    if (!form) return;
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
