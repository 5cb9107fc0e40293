// 限时办结 figures (templates/partials/matter_stats.html): on-time completion per item and processing
// site from GET /api/v1/sites/{site}/matters/stats, and its CSV (fetched with the staff token, as a file).
import { api, staffToken } from "../lib/api.js";
import { $, el } from "../lib/dom.js";
import { pickLang } from "../lib/i18n.js";
import { pick, siteName } from "./common.js";

const card = $("#matter-stats");
const SITE = encodeURIComponent(card.dataset.site);
const TOKEN = staffToken();
const total = $("#stats-total");
const percent = (rate) => `${Math.round((rate || 0) * 100)}%`;

async function show(e) {
  if (e) e.preventDefault();
  const q = `from=${$("#stats-from").value}&to=${$("#stats-to").value}`;
  $("#stats-csv").href = `/api/v1/sites/${SITE}/matters/stats?${q}&format=csv`;
  try {
    const s = await api("GET", `/api/v1/sites/${SITE}/matters/stats?${q}`, { token: TOKEN });
    $("#stats").replaceChildren(...s.rows.map((r) => el("tr", {},
      el("td", {}, pick(r.item_name, r.item_name_en)), el("td", {}, siteName(r.processing_site)), el("td", {}, String(r.finished)),
      el("td", {}, `${r.on_time} (${percent(r.on_time_rate)})`), el("td", {}, String(r.ratings)), el("td", {}, r.mean_grade ?? "—"))));
    total.textContent = s.finished ? `${s.on_time}/${s.finished} (${percent(s.on_time_rate)})` : total.dataset.none;
  } catch (err) {
    total.textContent = pickLang(err.message);
  }
}

async function csv(e) {
  e.preventDefault();
  const res = await fetch($("#stats-csv").href, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const a = el("a", { href: URL.createObjectURL(await res.blob()), download: `matters-${card.dataset.site}.csv` });
  a.click();
  URL.revokeObjectURL(a.href);
}

const today = (document.body.dataset.serverNow || new Date().toISOString()).slice(0, 10);
$("#stats-from").value = card.dataset.from || `${today.slice(0, 8)}01`;
$("#stats-to").value = card.dataset.to || today;
$("#stats-form").addEventListener("submit", show);
$("#stats-csv").addEventListener("click", csv);
show();
