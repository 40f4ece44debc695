// The analytics dashboard's chart (templates/analytics/dashboard.html): Chart.js draws the sales the
// page hands over in #analytics-data (json_script: the Content-Security-Policy allows no inline
// script), and draws them again whenever htmx swaps new figures in for another period.
(function () {
  "use strict";

  var chart = null;

  function draw() {
    var source = document.getElementById("analytics-data");
    var canvas = document.querySelector("canvas[data-chart='analytics-sales']");
    if (chart && chart.canvas === canvas) {
      return;
    }
    if (chart) {
      chart.destroy();
      chart = null;
    }
    if (!source || !canvas || !window.Chart) {
      return;
    }
    var figures = JSON.parse(source.textContent);
    var axis = new Intl.NumberFormat(figures.locale, {
      style: "currency", currency: figures.currency, notation: "compact", maximumFractionDigits: 1,
    });
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: [{ label: figures.name, data: figures.values.map(Number), backgroundColor: "#4f46e5" }],
      },
      options: {
        aspectRatio: 2.5,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { callback: function (value) { return axis.format(value); } } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return figures.text[item.dataIndex]; } } },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
