// 舆情 charts (ECharts); the tables beside them carry the same numbers without JavaScript.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  function stacked(days, series) {
    return {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 36, right: 12, top: 36, bottom: 28 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data };
      })
    };
  }
  ready(function () {
    var source = document.getElementById("opinion-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var kind = el.dataset.chart, option;
      if (kind === "categories") option = stacked(data.days, data.categories);
      else if (kind === "kinds") option = stacked(data.days, data.kinds);
      else if (kind === "sentiment") {
        option = {
          tooltip: { trigger: "axis" },
          legend: { data: ["已分析", "负面", "平均负面程度"], top: 0 },
          grid: { left: 36, right: 36, top: 36, bottom: 28 },
          xAxis: { type: "category", data: data.days },
          yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 1 }],
          series: [
            { name: "已分析", type: "bar", data: data.analysed, color: "#90a4ae" },
            { name: "负面", type: "bar", data: data.negative, color: "#b71c1c" },
            { name: "平均负面程度", type: "line", yAxisIndex: 1, data: data.negativity, connectNulls: true, color: "#0d47a1" }
          ]
        };
      } else if (kind === "topics") {
        option = {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          grid: { left: 130, right: 24, top: 10, bottom: 24 },
          xAxis: { type: "value" },
          yAxis: { type: "category", data: data.topics.names.slice().reverse(), axisLabel: { width: 120, overflow: "truncate" } },
          series: [{ type: "bar", data: data.topics.hotness.slice().reverse(), color: "#b71c1c" }]
        };
      } else if (kind === "keywords") {
        option = {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          grid: { left: 80, right: 24, top: 10, bottom: 24 },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", data: data.keywords.map(function (k) { return k.name; }).reverse() },
          series: [{ type: "bar", data: data.keywords.map(function (k) { return k.value; }).reverse(), color: "#0d47a1" }]
        };
      }
      if (!option) { chart.dispose(); return; }
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
