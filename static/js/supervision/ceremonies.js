// The registry's day view (templates/partials/peak_day.html): a supervisor changes or adds a ceremony
// session of the day through the API (POST /api/v1/sites/{site}/ceremonies), then the page reloads.
import { api, staffToken } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const form = $("#ceremony-form");

async function save(ev) {
  ev.preventDefault();
  const f = new FormData(form);
  const body = {
    date: form.dataset.date,
    id: String(f.get("id") || "").trim(),
    time: String(f.get("time") || "").slice(0, 5),
    hall: String(f.get("hall") || "").trim(),
    theme: String(f.get("theme") || "").trim(),
    capacity: Number(f.get("capacity") || 0),
    cancelled: f.get("cancelled") === "on",
  };
  const box = $("#ceremony-status");
  try {
    await api("POST", `/api/v1/sites/${encodeURIComponent(document.body.dataset.site)}/ceremonies`,
      { token: staffToken(), body });
    box.textContent = t("ceremony_saved");
    box.classList.remove("error");
    setTimeout(() => location.reload(), 800);
  } catch (e) {
    box.textContent = e.status === 401 ? t("sign_in_again") : e.message;
    box.classList.add("error");
  }
}

if (form) {
  form.addEventListener("submit", save);
  const toggle = $("#ceremony-edit");
  toggle.addEventListener("click", () => {
    form.hidden = !form.hidden;
    toggle.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) form.querySelector("input").focus();
  });
}
