// 考核 charts (ECharts); the tables beside them carry the same numbers without JavaScript.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var source = document.getElementById("kaohe-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var brand = "#b71c1c", ok = "#1b5e20", info = "#0d47a1";
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option;
      if (el.dataset.chart === "trend") {
        option = {
          tooltip: { trigger: "axis" },
          legend: { data: ["综合得分", "按时办结率(%)", "满意率(%)"] },
          grid: { left: 40, right: 16, top: 40, bottom: 30 },
          xAxis: { type: "category", data: data.months },
          yAxis: { type: "value", min: 0, max: 100 },
          series: [
            { name: "综合得分", type: "line", data: data.score, color: brand, connectNulls: true },
            { name: "按时办结率(%)", type: "line", data: data.on_time, color: info, connectNulls: true },
            { name: "满意率(%)", type: "line", data: data.satisfaction, color: ok, connectNulls: true }
          ]
        };
      } else {
        var group = data.rankings[el.dataset.group];
        if (!group || !group.names.length) { el.hidden = true; chart.dispose(); return; }
        el.style.height = Math.max(160, 22 * group.names.length + 40) + "px";
        chart.resize();
        option = {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          grid: { left: 130, right: 24, top: 10, bottom: 24 },
          xAxis: { type: "value", min: 0, max: 100 },
          yAxis: { type: "category", data: group.names.slice().reverse(), axisLabel: { width: 120, overflow: "truncate" } },
          series: [{
            type: "bar", data: group.scores.slice().reverse(),
            itemStyle: { color: function (p) {
              var n = group.scores.length, rank = n - p.dataIndex;
              return n >= 6 && rank > n - 3 ? brand : n >= 6 && rank <= 3 ? ok : info;
            } }
          }]
        };
      }
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
