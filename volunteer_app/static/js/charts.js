/* The figures pages' charts, drawn with the vendored Apache ECharts (static/vendor/echarts, loaded before this file
   only on pages with charts). Every element with data-chart holds its chart as JSON:
     {"kind": "line" | "bar", "horizontal": bool, "categories": [...], "series": [{"name": ..., "data": [...]}]}
   the same numbers as the table beside it (reports/views/charts.py builds both). No inline script: the
   Content-Security-Policy refuses it. The SVG renderer keeps charts sharp on paper; tooltips are drawn inside the
   chart (richText), since HTML tooltips would carry style attributes the policy refuses. */
(function () {
  "use strict";

  var echarts = window.echarts;
  if (!echarts) return;

  var COLOURS = ["#dc3545", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997"];
  var charts = [];

  function barHeight(spec) {
    return Math.max(160, spec.categories.length * 30 * Math.max(1, spec.series.length * 0.7) + 70);
  }

  function option(spec) {
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { hideOverlap: true, width: 96, overflow: "truncate" },
      inverse: spec.horizontal  // the biggest bar on top, as the table lists it
    };
    var valueAxis = { type: "value", minInterval: spec.kind === "bar" ? 1 : 0, splitNumber: 4 };
    if (spec.kind === "bar" && !spec.horizontal) {
      categoryAxis.axisLabel.interval = 0;
      categoryAxis.axisLabel.rotate = spec.categories.length > 4 ? 30 : 0;
    }
    var series = spec.series.map(function (s) {
      var drawn = { name: s.name, type: spec.kind, data: s.data };
      if (spec.kind === "line") {
        drawn.areaStyle = { opacity: 0.15 };  // straight segments: a smoothed curve would dip below zero
        drawn.symbolSize = 6;
      } else {
        drawn.barMaxWidth = 28;
        drawn.label = { show: spec.categories.length <= 12, position: spec.horizontal ? "right" : "top" };
      }
      return drawn;
    });
    return {
      animation: false,  // drawn at once: nothing half-drawn on paper or in a screenshot
      color: COLOURS,
      aria: { enabled: true },
      // Room above for the legend, or for the value over the tallest upright bar.
      grid: { left: 8, right: 36, top: spec.series.length > 1 ? 32 : 24, bottom: 8, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", renderMode: "richText", confine: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  function draw(container) {
    var spec;
    try {
      spec = JSON.parse(container.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    if (spec.horizontal) container.style.height = barHeight(spec) + "px";
    var chart = echarts.init(container, null, { renderer: "svg" });
    chart.setOption(option(spec));
    charts.push(chart);
  }

  var pending = null;
  function resizeAll() {
    pending = null;
    charts.forEach(function (chart) { chart.resize(); });
  }
  function resizeSoon() {
    if (pending === null) pending = window.setTimeout(resizeAll, 120);
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(draw);
    window.addEventListener("resize", resizeSoon);
    // Paper is narrower or wider than the screen: fit the charts to it before printing and back after.
    window.addEventListener("beforeprint", resizeAll);
    window.addEventListener("afterprint", resizeAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
