// Draws the dashboard's charts from the JSON the server embedded; no network requests.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const palette = ["#007bff", "#28a745", "#ffc107", "#dc3545", "#6f42c1", "#17a2b8", "#fd7e14"];
  const options = { responsive: true, maintainAspectRatio: false, animation: false };
  function datasets(series, stacked) {
    return series.map(function (item, index) {
      return { label: item.label, data: item.values, stack: stacked ? "all" : undefined,
               backgroundColor: palette[index % palette.length],
               borderColor: palette[index % palette.length] };
    });
  }
  function draw(id, type, chart, stacked) {
    const scales = stacked ? { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
                           : { y: { beginAtZero: true } };
    window.mdmCharts = window.mdmCharts || {};
    window.mdmCharts[id] = new Chart(document.getElementById(id), {
      type: type,
      data: { labels: chart.labels, datasets: datasets(chart.series, stacked) },
      options: Object.assign({ scales: scales }, options),
    });
  }
  draw("chart-records", "bar", data.records, true);
  draw("chart-decisions", "line", data.decisions, false);
  draw("chart-queue", "bar", data.queue_age, false);
  draw("chart-refusals", "bar", data.refusals, true);
})();
