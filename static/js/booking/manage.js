// "My booking" (templates/book_manage.html): look a booking up by its code and a verification
// (the last 4 characters of an applicant's ID number, or their mobile number), then cancel or
// reschedule it. The verification stays in memory, never in the address bar.
import { api } from "../lib/api.js";
import { $, $$, el } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { fillFromCards } from "./card.js";
import { manageCeremony } from "./ceremony.js";
import { bookingMessage, CODE_RE, PHONE_RE, setFieldError, showBox, VERIFY_ID_RE } from "./form.js";
import { qrFor, renderDays, showPeople, showSlots } from "./pickers.js";
import { fullDay, slotWhen } from "./when.js";

const state = { code: null, verify: null, booking: null, move: null, busy: false };

function showBooking(b, message = "") {
  state.booking = b;
  $("#m-lookup").hidden = true;
  $("#m-booking").hidden = false;
  $("#b-status").textContent = t(`status_${b.status}`);
  $("#b-status").className = `badge status-${b.status}`;
  $("#b-code").textContent = b.code;
  qrFor($("#b-qr"), b.code);
  $("#b-service").textContent = LANG === "en" ? b.service_name_en : b.service_name;
  $("#b-when").textContent = slotWhen(b.start, b.end);
  $("#b-site").textContent = LANG === "en" ? b.site_name_en || b.site_name : b.site_name;
  showPeople($("#b-people"), b.applicants);
  manageCeremony($("#ceremony-box"), $("#b-ceremony-row"), b, (session) => act("ceremony", { session }));
  $("#b-ticket-row").hidden = !b.ticket;
  const collect = b.collect || []; // the applicants' ready matters at this place (办件, docs/matters.md)
  $("#b-collect-row").hidden = collect.length === 0;
  $("#b-collect").textContent = collect.map((m) => (LANG === "en" ? m.item_name_en || m.item_name : m.item_name)).join(", ");
  $("#b-ticket").textContent = b.ticket ? t("ticket_line", { number: b.ticket.number }) : "";
  const changeable = b.status === "booked";
  $("#b-actions").hidden = !changeable;
  $("#b-cancel-confirm").hidden = true;
  $("#b-reschedule").hidden = true;
  const msg = $("#b-message");
  msg.textContent = message || (changeable ? "" : t("not_changeable"));
  msg.hidden = !msg.textContent;
  $("#booking-title").focus();
}

async function lookup(ev) {
  ev.preventDefault();
  const code = $("#m-code").value.trim().toUpperCase();
  const verify = $("#m-verify").value.trim().toUpperCase().replace(/[\s-]/g, "");
  setFieldError($("#m-code"), CODE_RE.test(code) ? "" : t("code_shape"));
  const verifyOk = VERIFY_ID_RE.test(verify) || PHONE_RE.test(verify);
  setFieldError($("#m-verify"), verifyOk ? "" : t("verify_shape"));
  showBox($("#lookup-error"), null);
  if (!CODE_RE.test(code) || !verifyOk) {
    $("#lookup-form [aria-invalid=true]").focus();
    return;
  }
  try {
    const b = await api("GET", `/api/v1/appointments/${encodeURIComponent(code)}?verify=${encodeURIComponent(verify)}`);
    state.code = code;
    state.verify = verify;
    showBooking(b);
  } catch (e) {
    showBox($("#lookup-error"), e.code === "appointment_not_found" ? t("not_found") : bookingMessage(e));
  }
}

/** One change of the booking found (cancel, reschedule), one at a time. */
async function act(path, body) {
  if (state.busy) return null;
  state.busy = true;
  try {
    return await api("POST", `/api/v1/appointments/${encodeURIComponent(state.code)}/${path}`, {
      body: { verify: state.verify, ...body },
    });
  } finally {
    state.busy = false;
  }
}

async function cancel() {
  try {
    const b = await act("cancel", {});
    if (b) showBooking(b, t("cancelled_ok"));
  } catch (e) {
    $("#b-cancel-confirm").hidden = true;
    const msg = $("#b-message");
    msg.textContent = bookingMessage(e);
    msg.hidden = false;
  }
}

function confirmMove(slot) {
  state.move = slot;
  showBox($("#m-move-error"), null);
  $("#m-move-text").textContent = t("move_to", { when: slotWhen(slot.start, slot.end) });
  $("#m-move-confirm").hidden = false;
  $("#m-move-yes").focus();
}

function pickMoveDay(days, date) {
  const b = state.booking;
  renderDays($("#m-days"), days, (d) => pickMoveDay(days, d), date);
  $("#m-slot-day").textContent = fullDay(date);
  $("#m-slot-day").hidden = false;
  $("#m-move-confirm").hidden = true;
  showSlots($("#m-slots"), b.site, b.service, date, confirmMove);
}

async function openReschedule() {
  const b = state.booking;
  $("#b-cancel-confirm").hidden = true;
  $("#b-reschedule").hidden = false;
  $("#m-slots").replaceChildren();
  $("#m-slot-day").hidden = true;
  $("#m-move-confirm").hidden = true;
  showBox($("#m-move-error"), null);
  $("#move-title").focus();
  $("#m-days").replaceChildren(el("p", { class: "muted", text: t("loading") }));
  try {
    const days = await api("GET", `/book/${encodeURIComponent(b.site)}/${encodeURIComponent(b.service)}/days.json`);
    renderDays($("#m-days"), days, (d) => pickMoveDay(days, d));
  } catch (e) {
    showBox($("#m-move-error"), e.message);
  }
}

/** The time was taken meanwhile: the next free ones, each a click away from confirming. */
function nextFreeOffers(free) {
  const length = new Date(state.booking.end) - new Date(state.booking.start);
  return free.map((start) => {
    const b = el("button", { type: "button", class: "slot" }, el("span", { class: "slot-time", text: slotWhen(start) }));
    b.addEventListener("click", () => {
      confirmMove({ start, end: new Date(new Date(start).getTime() + length).toISOString() });
    });
    return b;
  });
}

async function move() {
  if (!state.move) return;
  try {
    const b = await act("reschedule", { start: state.move.start });
    if (b) showBooking(b, t("moved_ok", { when: slotWhen(b.start, b.end) }));
  } catch (e) {
    $("#m-move-confirm").hidden = true;
    const offers = nextFreeOffers((e.details && e.details.next_free) || []);
    showBox($("#m-move-error"), [el("p", { text: bookingMessage(e) }),
      offers.length ? el("p", { text: t("next_free") }) : null,
      offers.length ? el("div", { class: "slot-list" }, ...offers) : null].filter(Boolean));
  }
}

function lookAgain() {
  state.code = state.verify = state.booking = null;
  $("#m-verify").value = "";
  $("#m-booking").hidden = true;
  $("#m-lookup").hidden = false;
  $("#m-code").focus();
}

$("#lookup-form").addEventListener("submit", lookup);
for (const input of $$("#lookup-form input")) input.addEventListener("input", () => setFieldError(input, ""));
$("#b-cancel").addEventListener("click", () => {
  $("#b-reschedule").hidden = true;
  $("#b-cancel-confirm").hidden = false;
  $("#b-cancel-yes").focus();
});
$("#b-cancel-no").addEventListener("click", () => { $("#b-cancel-confirm").hidden = true; $("#b-cancel").focus(); });
$("#b-cancel-yes").addEventListener("click", cancel);
$("#b-move").addEventListener("click", openReschedule);
$("#m-move-yes").addEventListener("click", move);
$("#m-move-no").addEventListener("click", () => { $("#m-move-confirm").hidden = true; });
$("#b-other").addEventListener("click", lookAgain);
fillFromCards();
