// Draws the rollout's timeline (#timeline-data) with Chart.js: a line per province, a point
// per notice at its effective date, hollow where only its issue date is known.
// `window.rolloutChart` is left global so the browser tests can read what was drawn.
"use strict";

const MARGIN_MS = 45 * 24 * 60 * 60 * 1000; // room either side of the first and last day
const points = JSON.parse(document.getElementById("timeline-data").textContent);
const places = [...new Set(points.map((point) => point.place))];
const days = points.map((point) => Date.parse(point.day));

function isoDay(milliseconds) {
  return new Date(milliseconds).toISOString().slice(0, 10);
}

// Ticks on the first of a month, every month over a short span, less often over a long one.
function monthStarts(axis) {
  const first = new Date(axis.min), last = new Date(axis.max);
  const months = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth();
  const step = Math.max(1, Math.ceil(months / 8));
  const ticks = [];
  for (let month = first.getUTCMonth() + 1; ; month += step) {
    const value = Date.UTC(first.getUTCFullYear(), month, 1);
    if (value > axis.max) break;
    ticks.push({ value });
  }
  axis.ticks = ticks;
}

function dataset(label, effective, colour) {
  return {
    label: label,
    data: points.filter((point) => point.effective === effective)
      .map((point) => ({ x: Date.parse(point.day), y: point.place, label: point.label, day: point.day })),
    backgroundColor: effective ? colour : "#fff",
    borderColor: colour,
    pointRadius: 6,
    pointHoverRadius: 8,
  };
}

document.querySelector(".timeline").style.height = `${Math.max(6, places.length * 2.2 + 5)}em`;

window.rolloutChart = new Chart(document.getElementById("timeline"), {
  type: "scatter",
  data: { datasets: [dataset("执行日期", true, "#c77700"), dataset("成文日期（未写明执行日期）", false, "#24425f")] },
  options: {
    maintainAspectRatio: false,
    animation: false,
    scales: {
      x: {
        type: "linear",
        min: Math.min(...days) - MARGIN_MS,
        max: Math.max(...days) + MARGIN_MS,
        afterBuildTicks: monthStarts,
        ticks: { callback: isoDay, maxRotation: 0 },
      },
      y: { type: "category", labels: places, offset: true },
    },
    plugins: {
      tooltip: { callbacks: { label: (item) => `${item.raw.y} ${item.raw.label}：${item.raw.day}` } },
      legend: { position: "bottom" },
    },
  },
});
