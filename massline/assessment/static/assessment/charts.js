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
    var red = "#b71c1c", black = "#424242", ok = "#1b5e20", info = "#0d47a1", plain = "#78909c";
    var names = data.series;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option;
      if (el.dataset.chart === "trend") {
        // The legend sits above the plot and wraps on a phone; the plot (with its axis
        // labels) starts below the legend's rows, so the legend never covers an axis.
        var rows = el.clientWidth < 480 ? 2 : 1;
        option = {
          tooltip: { trigger: "axis" },
          legend: { top: 0, left: "center", itemGap: 12, data: [names.score, names.on_time, names.satisfaction] },
          grid: { left: 8, right: 16, top: 24 * rows + 20, bottom: 8, containLabel: true },
          xAxis: { type: "category", data: data.months },
          yAxis: { type: "value", min: 0, max: 100 },
          series: [
            { name: names.score, type: "line", data: data.score, color: red, connectNulls: true },
            { name: names.on_time, type: "line", data: data.on_time, color: info, connectNulls: true },
            { name: names.satisfaction, type: "line", data: data.satisfaction, color: ok, connectNulls: true }
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
            // 红榜 red, 黑榜 black, as the boards are shown; the rest plain
            itemStyle: { color: function (p) {
              var honour = group.honours[group.honours.length - 1 - p.dataIndex];
              return honour === "red" ? red : honour === "black" ? black : plain;
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
