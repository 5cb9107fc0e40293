// Ceremony sessions (颁证仪式) in the booking step (docs/peak-days.md): on a day with sessions the
// form offers them as a choice (none by default); the booking and the place in the session are
// made in one request, so a full session leaves no booking behind.
import { el } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { hhmm, localDate } from "./when.js";

const name = (s, field) => (LANG === "en" && s[`${field}_en`]) || s[field];

/** Fill the fieldset with the day's sessions (hidden when there are none, or they are for another
 * service than ``service``). */
export async function showCeremonies(box, site, date, service = null) {
  box.hidden = true;
  let day;
  try {
    const res = await fetch(`/api/v1/sites/${encodeURIComponent(site)}/ceremonies?date=${date}`, { cache: "no-store" });
    day = res.ok ? await res.json() : null;
  } catch {
    day = null;
  }
  const list = box.querySelector(".ceremony-list");
  if (!day || !day.sessions.length || (service && day.service !== service)) {
    list.replaceChildren();
    return;
  }
  const option = (value, text, disabled, checked) => el("label", { class: "ceremony-option" },
    el("input", { type: "radio", name: "ceremony", value, disabled, checked }), el("span", { text }));
  list.replaceChildren(
    option("", t("ceremony_none"), false, true),
    ...day.sessions.map((s) => option(s.id, t(s.remaining ? "ceremony_label" : "ceremony_full_label", {
      time: hhmm(s.start), hall: name(s, "hall"), theme: name(s, "theme"), n: s.remaining,
    }), !s.remaining, false)),
  );
  box.hidden = false;
}

export function chosenCeremony(box) {
  const picked = box.hidden ? null : box.querySelector("input[name=ceremony]:checked");
  return picked && picked.value ? picked.value : null;
}

/** The done card's line for the session joined (hidden without one). */
export function showChosenCeremony(row, s) {
  row.hidden = !s;
  if (s) row.querySelector("dd").textContent = t("ceremony_done", { time: hhmm(s.start), hall: name(s, "hall"),
    theme: name(s, "theme") });
}

/** "My booking": join, move to or leave a session of the booking's day (code + verification). */
export async function manageCeremony(box, row, b, save) {
  box.hidden = true;
  showChosenCeremony(row, b.ceremony);
  if (b.status !== "booked") return;
  await showCeremonies(box, b.site, localDate(b.start), b.service);
  if (box.hidden) return;
  const current = b.ceremony ? b.ceremony.id : "";
  for (const input of box.querySelectorAll("input[name=ceremony]")) {
    input.checked = input.value === current;
    if (input.value === current) input.disabled = false; // a full session the couple is already in
  }
  const status = box.querySelector(".ceremony-status");
  status.textContent = "";
  box.querySelector(".ceremony-save").onclick = async () => {
    try {
      const res = await save(chosenCeremony(box));
      if (!res) return;
      await manageCeremony(box, row, res, save); // the places left, as they are now
      const now = box.querySelector(".ceremony-status");
      now.textContent = t("ceremony_saved");
      now.classList.remove("error");
    } catch (e) {
      status.textContent = e.code === "ceremony_full" ? t("ceremony_full") : e.message;
      status.classList.add("error");
    }
  };
}
