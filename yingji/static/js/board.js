// The statistics board's charts (Apache ECharts, served locally). The data comes from the
// page's <script type="application/json" id="board-data"> element: nothing inline is executed
// (Content-Security-Policy script-src 'self'). A click on a bar opens the list behind it.
(function () {
  "use strict";

  function percent(v) {
    return v === null ? null : Math.round(v * 1000) / 10;
  }

  // Long category names (the plan's own wording) are cut on the axis; the list below the chart has them whole.
  function shorten(label) {
    return label.length > 8 ? label.slice(0, 8) + "…" : label;
  }

  // The title over a chart with nothing to show in the months chosen ("暂无数据").
  function noData(text) {
    return {
      text: text,
      left: "center",
      top: "middle",
      textStyle: { color: "#888", fontSize: 14, fontWeight: "normal" }
    };
  }

  function draw() {
    var holder = document.getElementById("board-data");
    if (!holder || !window.echarts) {
      return;
    }
    var data = JSON.parse(holder.textContent);
    var charts = [];

    var rates = document.getElementById("chart-rates");
    if (rates) {
      var chart = window.echarts.init(rates, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
        legend: { top: 0 },
        grid: { top: 60, left: 50, right: 20, bottom: 30 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        title: data.rates.some(function (r) { return r.monthly.some(function (v) { return v !== null; }); }) ? { show: false } : noData(data.no_data),
        series: data.rates.map(function (r) {
          return { name: r.name, type: "line", connectNulls: false, data: r.monthly.map(percent) };
        })
      });
      charts.push(chart);
    }

    data.bars.forEach(function (bar) {
      var el = document.getElementById("chart-" + bar.id);
      if (!el) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        // Nothing to count in these months: say so over the empty axes.
        title: bar.values.some(function (v) { return v; }) ? { show: false } : noData(data.no_data),
        tooltip: { trigger: "axis" },
        grid: { top: 20, left: 40, right: 20, bottom: 60 },
        xAxis: { type: "category", data: bar.labels, axisLabel: { interval: 0, rotate: bar.labels.length > 4 ? 30 : 0, formatter: shorten } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: bar.values, cursor: "pointer" }]
      });
      chart.on("click", function (params) {
        var url = bar.drill[params.dataIndex];
        if (url) {
          window.location.href = url;
        }
      });
      el.setAttribute("data-ready", "1");
      charts.push(chart);
    });

    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    document.body.setAttribute("data-charts", String(charts.length));
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      window.print();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
