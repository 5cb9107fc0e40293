// Admin devices page: refresh every row's state from /admin/devices.json every few seconds.
import { $$, readJSON } from "../lib/dom.js";
import { format } from "../lib/i18n.js";

const L = readJSON("device-labels");
const EVERY_MS = 3000;

function seen(d) {
  if (d.seconds_ago === null || d.seconds_ago === undefined) return L.never;
  if (d.seconds_ago < 120) return format(L.seconds_ago, { n: d.seconds_ago });
  return format(L.minutes_ago, { n: Math.floor(d.seconds_ago / 60) });
}

function printer(d) {
  if (!d.printer_configured) return L.none;
  if (d.printer_online === null) return L.unknown;
  return d.printer_online ? L.online : L.printer_offline;
}

function reader(d) {
  if (d.reader_present === null) return L.unknown;
  return d.reader_present ? L.present : L.absent;
}

function setText(row, field, text) {
  const cell = row.querySelector(`[data-field="${field}"]`);
  if (cell && cell.textContent !== text) cell.textContent = text;
}

function update(d) {
  const row = document.querySelector(`tr[data-device="${CSS.escape(d.id)}"]`);
  if (!row) return;
  row.dataset.state = d.state;
  row.className = `dev-row dev-${d.state}`;
  const badge = row.querySelector('[data-field="state"]');
  badge.className = `badge dev-${d.state}`;
  badge.textContent = L[d.state];
  setText(row, "seen", seen(d));
  if (d.kind !== "kiosk") return;
  setText(row, "printer", printer(d));
  setText(row, "paper", L[`paper_${d.paper || "unknown"}`]);
  setText(row, "reader", reader(d));
  setText(row, "printed", d.failed_today ? `${d.printed_today} (✗${d.failed_today})` : String(d.printed_today));
}

async function refresh() {
  try {
    const res = await fetch(`/admin/devices.json${location.search}`, { credentials: "same-origin", cache: "no-store" });
    if (res.status === 403 || res.redirected) { location.reload(); return; }
    const data = await res.json();
    for (const site of data.sites) for (const d of site.devices) update(d);
    document.body.dataset.refreshed = String(Date.now());
  } catch { /* keep what is shown: the next tick retries */ }
}

if ($$("tr[data-device]").length) setInterval(refresh, EVERY_MS);
