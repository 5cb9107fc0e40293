// Supervisor's appointments page: the day's bookings are rendered by the server; this only
// sends the "change places or hours for a date" form to the API with the session's token.
import { api, staffToken } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const TOKEN = staffToken();
const SITE = document.body.dataset.site;

function status(text, error = false) {
  const box = $("#override-status");
  box.textContent = text;
  box.classList.toggle("error", error);
}

async function save(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const f = new FormData(form);
  const body = { date: f.get("date"), note: String(f.get("note") || "").trim() };
  const capacity = String(f.get("capacity") || "").trim();
  if (capacity !== "") body.capacity = Number(capacity);
  for (const key of ["open", "close"]) {
    const v = String(f.get(key) || "").trim();
    if (v) body[key] = v.slice(0, 5);
  }
  const service = f.get("service");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const slots = await api("POST",
      `/api/v1/sites/${encodeURIComponent(SITE)}/services/${encodeURIComponent(service)}/overrides`,
      { token: TOKEN, body });
    status(slots.length ? t("saved", { n: slots.length, places: slots[0].capacity }) : t("saved_closed"));
    // The tables above are the server's: show the new numbers when the change is for this page's day.
    const shown = new URLSearchParams(location.search).get("date");
    if (!shown || shown === body.date) setTimeout(() => location.reload(), 1200);
  } catch (e) {
    status(e.status === 401 ? t("sign_in_again") : e.message, true);
  } finally {
    button.disabled = false;
  }
}

$("#override-form")?.addEventListener("submit", save);
