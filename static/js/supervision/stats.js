// Statistics page: one API read for the chosen range, drawn as figures, charts and tables;
// each table also downloads as CSV (links in the page). Staffing help is a second read.
import { api, staffToken } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";
import { LANG, pickLang, t } from "../lib/i18n.js";
import { groupedBars, heatmap, hourlyChart } from "./charts.js";

const page = readJSON("page-data");
const SITE = page.site;
const TOKEN = staffToken();
const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}`);
const num = (v) => (v === null || v === undefined ? "—" : String(v));

const FIGURES = ["served", "no_show", "cancelled", "expired", "wait_avg", "wait_p90", "service_avg", "service_p90",
  "evaluations", "satisfaction_rate", "bad"];
const TABLES = {
  services: { first: (r) => (LANG === "en" ? r.name_en : r.name), head: "col_name", cols: ["issued", ...FIGURES] },
  counters: { first: (r) => t("counter_n", { n: r.number }), head: "col_number",
    cols: ["called", "transfers", "pause_minutes", ...FIGURES] },
  clerks: { first: (r) => r.clerk, head: "col_clerk", cols: ["called", "transfers", "pause_minutes", ...FIGURES] },
};

function table(id, headers, rows) {
  const thead = el("thead", {}, el("tr", {}, ...headers.map((h, i) => el("th", { scope: "col", class: i ? "num" : "" }, h))));
  const body = el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c, i) => el("td", { class: i ? "num" : "" }, c)))));
  $(id).replaceChildren(thead, body);
  if (!rows.length) $(id).append(el("caption", { class: "muted" }, t("no_data")));
}

function cell(field, value) {
  return field.endsWith("_rate") ? pct(value) : num(value);
}

function render(d) {
  const k = d.totals;
  for (const f of ["issued", "served", "no_show", "cancelled", "expired", "wait_avg", "wait_p90", "service_avg", "service_p90", "bad"]) {
    $(`#k-${f}`).textContent = num(k[f]);
  }
  $("#k-satisfaction").textContent = pct(k.satisfaction_rate);
  $("#k-show_rate").textContent = pct(d.appointments.show_rate);

  for (const [key, spec] of Object.entries(TABLES)) {
    table(`#t-${key}`, [t(spec.head), ...spec.cols.map((c) => t(`col_${c}`))],
      d[key].map((r) => [spec.first(r), ...spec.cols.map((c) => cell(c, r[c]))]));
  }
  table("#t-pauses", [t("col_reason_text"), t("col_count"), t("col_minutes")],
    d.pauses.map((p) => [pickLang(p.reason_text), num(p.count), num(p.minutes)]));
  table("#t-appointments", [t("col_name"), t("col_checked_in"), t("col_completed"), t("col_no_show"), t("col_cancelled"),
    t("col_booked"), t("col_show_rate")],
  d.appointments.rows.map((a) => [LANG === "en" ? a.name_en : a.name, num(a.checked_in), num(a.completed),
    num(a.no_show), num(a.cancelled), num(a.booked), pct(a.show_rate)]));
  table("#t-satisfaction", [t("col_grade"), t("col_evaluations")],
    d.satisfaction.grades.map((g) => [`${g.grade} · ${LANG === "en" ? g.label_en : g.label}`, num(g.count)]));

  const used = d.services.filter((s) => s.issued || s.served || s.no_show);
  groupedBars($("#chart-services"), {
    title: t("issued"),
    categories: used.map((s) => (LANG === "en" ? s.name_en : s.name)),
    series: [
      { label: t("issued"), values: used.map((s) => s.issued) },
      { label: t("served"), values: used.map((s) => s.served) },
      { label: t("no_show"), values: used.map((s) => s.no_show) },
    ],
  });
  const hm = d.heatmap;
  const days = Math.max(1, hm.dates.length);
  hourlyChart($("#chart-hours"), {
    title: t("arrivals"),
    hours: hm.hours,
    series: [{ label: t("arrivals"), values: hm.hours.map((_, j) => hm.issued.reduce((n, row) => n + row[j], 0) / days) }],
  });
  heatmap($("#chart-heat"), { title: t("heat_title"), rows: hm.dates, cols: hm.hours, values: hm.issued });
  document.body.dataset.rendered = "1";
}

async function load() {
  const q = new URLSearchParams({ from: page.from, to: page.to });
  try {
    const d = await api("GET", `/api/v1/sites/${encodeURIComponent(SITE)}/stats?${q}`, { token: TOKEN });
    $("#stats-status").textContent = d.totals.issued ? "" : t("no_data");
    render(d);
  } catch (e) {
    $("#stats-status").textContent = e.message;
  }
}

async function staffing(ev) {
  if (ev) ev.preventDefault();
  const form = new FormData($("#staffing-form"));
  const q = new URLSearchParams({ weekday: form.get("weekday"), target: form.get("target"), weeks: form.get("weeks") });
  try {
    const s = await api("GET", `/api/v1/sites/${encodeURIComponent(SITE)}/staffing?${q}`, { token: TOKEN });
    $("#staffing-note").textContent = s.days.length
      ? t("staffing_note", { date: s.date, opens: s.opens, closes: s.closes, days: s.days.join(", "),
        minutes: num(s.service_minutes) })
      : t("no_data");
    table("#t-staffing", [t("col_hour"), t("arrivals"), t("open_counters"), t("needed_counters"), t("col_predicted")],
      s.hours.map((h) => [h.label, num(h.arrivals_per_hour), num(h.open_counters), num(h.needed_counters),
        num(h.predicted_wait_minutes)]));
    if (s.hours.length) {
      hourlyChart($("#chart-staffing"), {
        title: t("needed_counters"),
        hours: s.hours.map((h) => h.hour),
        series: [
          { label: t("arrivals"), values: s.hours.map((h) => h.arrivals_per_hour) },
          { label: t("open_counters"), values: s.hours.map((h) => h.open_counters) },
          { label: t("needed_counters"), values: s.hours.map((h) => h.needed_counters) },
        ],
      });
    } else $("#chart-staffing").replaceChildren();
  } catch (e) {
    $("#staffing-note").textContent = e.message;
  }
}

$("#staffing-form").addEventListener("submit", staffing);
load();
staffing();
