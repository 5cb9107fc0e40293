// Peak days on the statistics page (templates/partials/peak_stats.html): one row per special date
// of the chosen range, from GET /api/v1/sites/{site}/peak-stats (counts only).
import { api, staffToken } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";

const data = readJSON("page-data");

async function load() {
  const rows = await api("GET", `/api/v1/sites/${encodeURIComponent(data.site)}/peak-stats?from=${data.from}&to=${data.to}`,
    { token: staffToken() });
  const num = (v) => el("td", { class: "num", text: v === null || v === undefined ? "—" : String(v) });
  $("#t-peak tbody").replaceChildren(...rows.map((d) => el("tr", {},
    el("th", { scope: "row", text: d.date }), num(d.places), num(d.ballot ? d.entries : null), num(d.attempts),
    num(d.demand_per_place), num(d.booked), num(d.no_show), num(`${d.ceremonies_held} / ${d.ceremony_sessions}`),
    num(d.ceremony_couples))));
  $("#peak-none").hidden = rows.length > 0;
}

load().catch((e) => { $("#peak-none").textContent = e.message; $("#peak-none").hidden = false; });
