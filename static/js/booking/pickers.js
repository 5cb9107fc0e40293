// The day and time pickers of booking and rescheduling, and the parts of a booking shown on
// both pages (its applicants, masked; its code as a QR for the kiosk's scanner).
import { api } from "../lib/api.js";
import { el } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { dayLabel, hhmm, shortDay, weekday } from "./when.js";

function dayButton(day, chosen) {
  const open = day.state === "open";
  const status = {
    open: t("places_left", { n: day.remaining }),
    full: t("day_full"),
    closed: t("day_closed"),
    not_bookable: t("day_not_bookable"),
  }[day.state];
  const special = LANG === "en" ? day.special_en || day.special : day.special;
  return el("button", {
    type: "button", class: `day day-${day.state}`, disabled: !open, "aria-pressed": chosen === day.date ? "true" : "false",
    dataset: { date: day.date }, "aria-label": `${dayLabel(day.date)}${special ? ` ${special}` : ""}, ${status}`,
  },
  el("span", { class: "day-week", text: weekday(day.date) }),
  el("span", { class: "day-date", text: shortDay(day.date) }),
  special ? el("span", { class: "day-special", text: special }) : null,
  el("span", { class: "day-status", text: status }));
}

/** The days as buttons; a click on one with places calls ``onPick(date)``. */
export function renderDays(box, days, onPick, chosen = null) {
  box.replaceChildren(...days.map((d) => dayButton(d, chosen)));
  box.onclick = (e) => {
    const b = e.target.closest(".day");
    if (b && !b.disabled) onPick(b.dataset.date);
  };
}

function slotButton(slot) {
  const free = slot.remaining > 0;
  const label = free
    ? t("slot_label", { start: hhmm(slot.start), end: hhmm(slot.end), n: slot.remaining })
    : t("slot_full_label", { start: hhmm(slot.start), end: hhmm(slot.end) });
  return el("button", { type: "button", class: `slot${free ? "" : " slot-full"}`, disabled: !free, "aria-label": label,
    dataset: { start: slot.start, end: slot.end } },
  el("span", { class: "slot-time", text: `${hhmm(slot.start)}–${hhmm(slot.end)}` }),
  el("span", { class: "slot-left", text: free ? t("places_left", { n: slot.remaining }) : t("day_full") }));
}

/** Load a day's slots into ``box``; a click on a free one calls ``onPick({start, end})``. */
export async function showSlots(box, site, service, date, onPick) {
  box.replaceChildren(el("p", { class: "muted", text: t("loading") }));
  let slots;
  try {
    slots = await api("GET",
      `/api/v1/sites/${encodeURIComponent(site)}/services/${encodeURIComponent(service)}/slots?date=${date}`);
  } catch (e) {
    box.replaceChildren(el("p", { class: "form-error", text: e.message }));
    return;
  }
  const buttons = slots.map(slotButton);
  if (!slots.some((s) => s.remaining > 0)) buttons.unshift(el("p", { class: "notice-box", text: t("no_slots") }));
  box.replaceChildren(...buttons);
  box.onclick = (e) => {
    const b = e.target.closest(".slot");
    if (b && !b.disabled) onPick({ start: b.dataset.start, end: b.dataset.end });
  };
}

/** Masked applicants, one per line: "张* **************1239". */
export function showPeople(box, applicants) {
  box.replaceChildren(...applicants.map((a) => el("span", { class: "person", text: `${a.name} ${a.id_masked}` })));
}

export function qrFor(img, code) {
  img.src = `/qr/booking.svg?code=${encodeURIComponent(code)}`;
  img.alt = t("qr_alt", { code });
}
