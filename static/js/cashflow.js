// The cash-flow chart (templates/finance/cashflow_page.html): Chart.js draws the figures the page
// hands over in #cash-flow-data (json_script: the Content-Security-Policy allows no inline script),
// and draws them again whenever htmx swaps new figures in. Money in and out are bars (the expected
// ones paler, stacked on the realised ones of the same period), the balance a line on its own
// scale, dashed where it is projected. The table under the chart holds the same figures.
(function () {
  "use strict";

  var chart = null;
  var COLOURS = {
    inflow: "#10b981",
    outflow: "#ef4444",
    balance: "#2563eb",
    expected_inflow: "rgba(16, 185, 129, 0.35)",
    expected_outflow: "rgba(239, 68, 68, 0.35)",
    projected_balance: "#2563eb",
  };

  function numbers(values) {
    return values.map(function (value) { return value === null ? null : Number(value); });
  }

  function bars(figures, name, stack) {
    return {
      type: "bar", label: figures.names[name], data: numbers(figures.values[name]), stack: stack,
      backgroundColor: COLOURS[name], yAxisID: "y", order: 2, key: name,
    };
  }

  function line(figures, name, dashed) {
    return {
      type: "line", label: figures.names[name], data: numbers(figures.values[name]), yAxisID: "balance",
      borderColor: COLOURS[name], backgroundColor: COLOURS[name], borderDash: dashed ? [6, 4] : [],
      pointRadius: 0, pointHitRadius: 6, tension: 0, spanGaps: false, order: 1, key: name,
    };
  }

  function draw() {
    var source = document.getElementById("cash-flow-data");
    var canvas = document.querySelector("canvas[data-chart='cash-flow']");
    if (chart && chart.canvas === canvas) {
      return; // a swap elsewhere on the page: these figures are drawn already
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
      data: {
        labels: figures.labels,
        datasets: [
          bars(figures, "inflow", "in"),
          bars(figures, "expected_inflow", "in"),
          bars(figures, "outflow", "out"),
          bars(figures, "expected_outflow", "out"),
          line(figures, "balance", false),
          line(figures, "projected_balance", true),
        ],
      },
      options: {
        aspectRatio: 2.5,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { callback: function (value) { return axis.format(value); } } },
          balance: {
            position: "right", grid: { drawOnChartArea: false },
            ticks: { callback: function (value) { return axis.format(value); } },
          },
        },
        plugins: {
          tooltip: {
            filter: function (item) { return item.raw !== null; },
            callbacks: {
              // The amount as the server wrote it for the reader's locale, like the table.
              label: function (item) {
                return item.dataset.label + ": " + figures.text[item.dataset.key][item.dataIndex];
              },
            },
          },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
