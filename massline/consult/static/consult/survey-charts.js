// 网上调研 charts (ECharts); each chart's table beside it carries the same numbers.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  var palette = ["#b71c1c", "#0d47a1", "#1b5e20", "#6d4300", "#4a148c", "#006064", "#3e2723"];
  ready(function () {
    var source = document.getElementById("survey-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.dataset.chart];
      if (!spec) return;
      var n = spec.kind === "stack" ? spec.rows.length : spec.labels.length;
      el.style.height = Math.max(140, 30 * n + 50) + "px";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option;
      if (spec.kind === "stack") {
        option = {
          color: palette,
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          legend: { top: 0, type: "scroll" },
          grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", data: spec.rows.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } },
          series: spec.options.map(function (name, j) {
            return { name: name, type: "bar", stack: "all", data: spec.values.map(function (row) { return row[j]; }).reverse() };
          })
        };
      } else {
        option = {
          color: palette,
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: "value", minInterval: 1, name: spec.axis },
          yAxis: { type: "category", data: spec.labels.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } },
          series: [{ type: "bar", data: spec.values.slice().reverse(), label: { show: true, position: "right" } }]
        };
      }
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
