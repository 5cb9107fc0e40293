// Charts of the supervision pages: hourly profiles with the vendored uPlot (canvas), and two
// small canvas painters of our own (grouped bars, a day x hour heat map). Every chart gets
// a text alternative (aria-label) and its numbers are in the tables beside it.
import uPlot from "../../vendor/uplot/uPlot.esm.js";

const COLORS = ["#0a4f8f", "#1d7a3e", "#c0262d", "#a35a00", "#6a3d9a"];
const FONT = '13px "WenQuanYi Micro Hei", "Noto Sans CJK SC", system-ui, sans-serif';

function sizeOf(el, height) {
  return { width: Math.max(280, Math.floor(el.clientWidth || 600)), height };
}

/** An hourly chart: x = hours (8, 9...), bars for the first series, lines for the others. */
export function hourlyChart(el, { hours, series, title }) {
  el.replaceChildren();
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", title);
  const opts = {
    ...sizeOf(el, 260),
    title,
    scales: { x: { time: false } },
    axes: [
      { values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? `${String(v).padStart(2, "0")}:00` : "")) },
      {},
    ],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: i === 0 ? 0 : 2,
        fill: i === 0 ? "rgba(10, 79, 143, 0.35)" : undefined,
        paths: i === 0 ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined,
        points: { show: i !== 0 },
      })),
    ],
  };
  return new uPlot(opts, [hours, ...series.map((s) => s.values)], el);
}

function canvasFor(el, width, height, label) {
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(width * ratio);
  canvas.height = Math.floor(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  ctx.font = FONT;
  el.replaceChildren(canvas);
  return ctx;
}

/** Grouped bars: one group per category, one bar per series. */
export function groupedBars(el, { categories, series, title }) {
  const { width } = sizeOf(el, 0);
  const height = 280;
  const ctx = canvasFor(el, width, height, title);
  const left = 40, bottom = 56, top = 30;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotH = height - bottom - top;
  const groupW = (width - left - 10) / Math.max(1, categories.length);
  const barW = Math.max(2, (groupW * 0.8) / series.length);
  ctx.fillStyle = "#5a6675";
  ctx.textAlign = "right";
  for (let i = 0; i <= 4; i++) {
    const v = Math.round((max * i) / 4);
    const y = top + plotH - (plotH * i) / 4;
    ctx.fillText(String(v), left - 6, y + 4);
    ctx.fillStyle = "#e3e7ec";
    ctx.fillRect(left, y, width - left - 10, 1);
    ctx.fillStyle = "#5a6675";
  }
  categories.forEach((cat, g) => {
    series.forEach((s, i) => {
      const h = (plotH * s.values[g]) / max;
      ctx.fillStyle = COLORS[i % COLORS.length];
      ctx.fillRect(left + g * groupW + groupW * 0.1 + i * barW, top + plotH - h, barW - 1, h);
    });
    ctx.fillStyle = "#1b2430";
    ctx.textAlign = "center";
    ctx.fillText(cat.length > 8 ? `${cat.slice(0, 8)}…` : cat, left + g * groupW + groupW / 2, height - bottom + 18);
  });
  let x = left;
  series.forEach((s, i) => {
    ctx.fillStyle = COLORS[i % COLORS.length];
    ctx.fillRect(x, 8, 12, 12);
    ctx.fillStyle = "#1b2430";
    ctx.textAlign = "left";
    ctx.fillText(s.label, x + 16, 18);
    x += ctx.measureText(s.label).width + 36;
  });
}

/** A heat map: rows (days) x columns (hours), darker = more. */
export function heatmap(el, { rows, cols, values, title }) {
  const cell = 26, left = 92, top = 24;
  const width = left + cols.length * cell + 10;
  const rowH = rows.length > 40 ? 8 : 20;
  const height = top + rows.length * rowH + 10;
  const ctx = canvasFor(el, width, height, title);
  const max = Math.max(1, ...values.flat());
  ctx.textAlign = "center";
  ctx.fillStyle = "#5a6675";
  cols.forEach((c, j) => ctx.fillText(String(c).padStart(2, "0"), left + j * cell + cell / 2, 16));
  rows.forEach((r, i) => {
    if (rowH >= 16 || i % 7 === 0) {
      ctx.textAlign = "right";
      ctx.fillStyle = "#5a6675";
      ctx.fillText(r, left - 6, top + i * rowH + rowH / 2 + 4);
    }
    cols.forEach((_, j) => {
      const v = values[i][j];
      const a = v ? 0.12 + 0.88 * (v / max) : 0;
      ctx.fillStyle = v ? `rgba(192, 38, 45, ${a.toFixed(3)})` : "#f3f5f8";
      ctx.fillRect(left + j * cell + 1, top + i * rowH + 1, cell - 2, rowH - 2);
    });
  });
}
