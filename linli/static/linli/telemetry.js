/* A device's history chart (Apache ECharts), from the page's JSON (#telemetry-chart):
 * raw values as a line (a step line for yes/no keys), or hourly means with the band of
 * each hour's minimum and maximum. Drawn again when htmx swaps in another key or range. */
(function () {
  "use strict";
  let chart = null;
  const draw = () => {
    const dataNode = document.getElementById("telemetry-chart");
    const box = document.getElementById("telemetry");
    if (!dataNode || !box || !window.echarts) return;
    const data = JSON.parse(dataNode.textContent);
    if (chart) chart.dispose();
    chart = echarts.init(box);
    const labels = data.labels;
    const series = [];
    if (data.aggregation === "raw") {
      series.push({
        name: labels.value, type: "line", showSymbol: data.points.length < 60,
        step: data.step ? "end" : false, data: data.points.map((p) => [p[0], p[1]]),
      });
    } else {
      series.push(
        { name: labels.minimum, type: "line", showSymbol: false, lineStyle: { opacity: 0.4 },
          data: data.points.map((p) => [p[0], p[2]]) },
        { name: labels.mean, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[1]]) },
        { name: labels.maximum, type: "line", showSymbol: false, lineStyle: { opacity: 0.4 },
          data: data.points.map((p) => [p[0], p[3]]) }
      );
    }
    chart.setOption({
      title: { text: data.title, left: "center", textStyle: { fontSize: 14 } },
      // richText: the HTML tooltip would set style attributes, which the CSP refuses
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { bottom: 0, show: series.length > 1 },
      grid: { left: 8, right: 16, top: 40, bottom: series.length > 1 ? 32 : 8, containLabel: true },
      // Times are the deployment's wall clock as UTC (views._wall_clock): drawn in UTC,
      // the axis and tooltip read Asia/Shanghai whatever the browser's time zone.
      useUTC: true,
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: !data.step, minInterval: data.step ? 1 : 0 },
      series: series,
    });
  };
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", () => chart && chart.resize());
})();
