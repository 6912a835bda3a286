/* The KPI dashboard (Apache ECharts): the ranked column per unit as bars, and the
 * cases received and closed per day as lines, from the page's JSON (#kpi-charts).
 * The table below the charts holds the same figures. */
(function () {
  "use strict";
  const dataNode = document.getElementById("kpi-charts");
  if (!dataNode || !window.echarts) return;
  const data = JSON.parse(dataNode.textContent);
  const charts = [];

  const ranking = data.ranking;
  const bars = echarts.init(document.getElementById("chart-ranking"));
  bars.setOption({
    title: { text: ranking.title, left: "center", textStyle: { fontSize: 14 } },
    // richText: the HTML tooltip would set style attributes, which the CSP refuses
    tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: (v) => (ranking.percent ? `${v} %` : v) },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: ranking.percent ? 100 : null },
    yAxis: { type: "category", inverse: true, data: ranking.names },
    series: [{ type: "bar", data: ranking.values, itemStyle: { color: "#0d6efd" } }],
  });
  charts.push(bars);

  const days = data.days;
  const lines = echarts.init(document.getElementById("chart-days"));
  lines.setOption({
    title: { text: days.title, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 32, containLabel: true },
    xAxis: { type: "category", data: days.dates },
    yAxis: { type: "value", minInterval: 1 },
    series: days.series.map((s) => ({ name: s.name, type: "line", smooth: true, data: s.values })),
  });
  charts.push(lines);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
