// /district: every center's queues and hours now, phone first. The server renders the list once;
// this module polls GET /api/v1/district (with the page's ?near=) every few seconds and redraws it
// with the same cards as the place kiosks (static/js/lib/district.js). Polling, not a socket: one
// cheap public read for everyone, cached by nobody (SPEC 7).
import { $, readJSON } from "../lib/dom.js";
import { api } from "../lib/api.js";
import { siteCard } from "../lib/district.js";
import { t } from "../lib/i18n.js";

const page = readJSON("page-data");
const path = page.near ? `/api/v1/district?near=${encodeURIComponent(page.near)}` : "/api/v1/district";

function render(district) {
  $("#district-list").replaceChildren(...district.sites.map((s) => siteCard(s, district.at)));
  $("#updated").textContent = t("updated_at", { time: district.at.slice(11, 16) });
  const note = $("#centers-closed");
  note.hidden = district.open_now;
  note.textContent = district.open_now || !district.next_opening
    ? "" : t("no_remote_now", { time: district.next_opening.slice(11, 16) });
  document.body.dataset.centers = district.open_now ? "open" : "closed";
  document.body.dataset.refreshed = String(Date.now());
}

async function refresh() {
  if (document.hidden) return; // a phone in a pocket does not poll
  try {
    render(await api("GET", path));
  } catch {
    $("#updated").textContent = t("stale");
  }
}

$("#near").addEventListener("change", (e) => e.target.form.submit());
setInterval(refresh, page.refresh_ms);
document.addEventListener("visibilitychange", refresh);
