// Public booking pages: the booking steps (day -> time -> applicants -> done) and "my
// booking" (look up, reschedule, cancel). Everything goes to the JSON API with fetch; the
// verification (ID last 4 or phone) stays in memory, never in the address bar.
import { $, $$, api, el, LANG, readJSON, t } from "./common.js";

const TZ = "Asia/Shanghai";
const LOCALE = LANG === "en" ? "en-GB" : "zh-CN";
const dayFmt = new Intl.DateTimeFormat(LOCALE, { month: "long", day: "numeric", weekday: "short", timeZone: TZ });
const fullDayFmt = new Intl.DateTimeFormat(LOCALE, {
  year: "numeric", month: "long", day: "numeric", weekday: "short", timeZone: TZ,
});
const timeFmt = new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TZ });
const CODE_RE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;
const PHONE_RE = /^1[3-9]\d{9}$/;

// -- formatting ------------------------------------------------------------------------
const noon = (isoDate) => new Date(`${isoDate}T12:00:00+08:00`);
const dayLabel = (isoDate) => dayFmt.format(noon(isoDate));
const fullDay = (isoDate) => fullDayFmt.format(noon(isoDate));
const hhmm = (iso) => timeFmt.format(new Date(iso));
const localDate = (iso) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(iso));
/** "2026年5月18日 周一 10:00–10:30" */
const slotWhen = (start, end) => `${fullDay(localDate(start))} ${hhmm(start)}${end ? `–${hhmm(end)}` : ""}`;
const dateTime = (iso) => `${fullDay(localDate(iso))} ${hhmm(iso)}`;

// -- checks that mirror the server's ------------------------------------------------------
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);

/** GB 11643: 17 digits and a check character, a real birth date, the right check character. */
export function validId(id) {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const born = new Date(Date.UTC(y, m - 1, d));
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return "10X98765432"[sum % 11] === id[17];
}

const cleanPhone = (raw) => raw.replace(/[\s-]/g, "");
const cleanId = (raw) => raw.trim().toUpperCase().replace(/\s/g, "");

function setFieldError(input, message) {
  const box = document.getElementById(`${input.id}-error`);
  if (box) box.textContent = message || "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function showBox(box, content) {
  if (content === null || content === undefined || content === "") {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(...(Array.isArray(content) ? content : [content]));
  box.hidden = false;
}

// -- day and time pickers (booking and rescheduling) ------------------------------------------
function dayButton(day, chosen) {
  const open = day.state === "open";
  const status = {
    open: t("places_left", { n: day.remaining }),
    full: t("day_full"),
    closed: t("day_closed"),
    not_bookable: t("day_not_bookable"),
  }[day.state];
  const special = LANG === "en" ? day.special_en || day.special : day.special;
  const weekday = new Intl.DateTimeFormat(LOCALE, { weekday: "short", timeZone: TZ }).format(noon(day.date));
  const [, m, d] = day.date.split("-").map(Number);
  const short = LANG === "en"
    ? new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: TZ }).format(noon(day.date))
    : `${m}月${d}日`;
  return el("button", {
    type: "button", class: `day day-${day.state}`, disabled: !open, "aria-pressed": chosen === day.date ? "true" : "false",
    dataset: { date: day.date }, "aria-label": `${dayLabel(day.date)}${special ? ` ${special}` : ""}, ${status}`,
  },
  el("span", { class: "day-week", text: weekday }),
  el("span", { class: "day-date", text: short }),
  special ? el("span", { class: "day-special", text: special }) : null,
  el("span", { class: "day-status", text: status }));
}

/** The days as buttons; a click on one with places calls ``onPick(date)``. */
function renderDays(box, days, onPick, chosen = null) {
  box.replaceChildren(...days.map((d) => dayButton(d, chosen)));
  box.onclick = (e) => {
    const b = e.target.closest(".day");
    if (b && !b.disabled) onPick(b.dataset.date);
  };
}

async function fetchSlots(site, service, date) {
  return api("GET", `/api/v1/sites/${encodeURIComponent(site)}/services/${encodeURIComponent(service)}/slots?date=${date}`);
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
async function showSlots(box, site, service, date, onPick) {
  box.replaceChildren(el("p", { class: "muted", text: t("loading") }));
  let slots;
  try {
    slots = await fetchSlots(site, service, date);
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
function showPeople(box, applicants) {
  box.replaceChildren(...applicants.map((a) => el("span", { class: "person", text: `${a.name} ${a.id_masked}` })));
}

function qrFor(img, code) {
  img.src = `/qr/booking.svg?code=${encodeURIComponent(code)}`;
  img.alt = t("qr_alt", { code });
}

/** A readable message for a booking API error; ``null`` when the caller shows it elsewhere. */
function bookingMessage(e) {
  const d = e.details || {};
  switch (e.code) {
    case "slot_full": return t("slot_full");
    case "booking_blocked": return d.until ? t("blocked_until", { until: fullDay(d.until) }) : e.message;
    case "duplicate_booking": {
      const who = (String(d.message || "").match(/\*{6,}[0-9X]{4}/) || [""])[0];
      if (!who) return t("duplicate_someone");
      return d.held_code ? t("duplicate", { who, code: d.held_code }) : t("duplicate_plain", { who });
    }
    case "outside_horizon":
      return d.opens_at && d.closes_at
        ? t("outside_horizon", { from: dateTime(d.opens_at), to: dateTime(d.closes_at) }) : e.message;
    case "outside_divorce_window": // without dates: no application was received here for these two
      return d.window_start && d.window_end
        ? t("divorce_window", { from: fullDay(d.window_start), to: fullDay(d.window_end) }) : e.message;
    case "slot_past": return t("slot_past");
    case "invalid_slot": return t("invalid_slot");
    case "rate_limited": return t("rate_limited");
    default: return e.message;
  }
}

// == the booking steps ======================================================================
function bookingPage() {
  const data = readJSON("page-data");
  const SITE = data.site.id;
  const SERVICE = data.service.id;
  const state = { step: "day", date: null, slot: null, result: null, busy: false };
  const steps = ["day", "slot", "form", "done"];

  function show(step, { push = true, focus = true } = {}) {
    if (state.result) step = "done";
    if (step === "slot" && !state.date) step = "day";
    if (step === "form" && !state.slot) step = state.date ? "slot" : "day";
    state.step = step;
    for (const s of steps) $(`#step-${s}`).hidden = s !== step;
    for (const li of $$(".steps li")) {
      const i = steps.indexOf(li.dataset.step);
      li.classList.toggle("done", i < steps.indexOf(step));
      if (li.dataset.step === step) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    }
    if (push && history.state?.step !== step) history.pushState({ step }, "", `#${step}`);
    if (focus) $(`#step-${step} h1`).focus();
    window.scrollTo(0, 0);
  }

  function pickDay(date) {
    state.date = date;
    state.slot = null;
    $("#slot-day").textContent = fullDay(date);
    renderDays($("#days"), data.days, pickDay, date);
    show("slot");
    showSlots($("#slots"), SITE, SERVICE, date, pickSlot);
  }

  function pickSlot(slot) {
    state.slot = slot;
    $("#form-when").textContent = slotWhen(slot.start, slot.end);
    showBox($("#form-error"), null);
    $("#next-free").hidden = true;
    show("form");
  }

  /** The applicants as typed, or null after marking what is wrong. */
  function readApplicants() {
    const out = [];
    let ok = true;
    for (const fs of $$(".party")) {
      const i = fs.dataset.party;
      const name = $(`#name-${i}`);
      const id = $(`#id-${i}`);
      const phone = $(`#phone-${i}`);
      const values = { name: name.value.trim(), id_number: cleanId(id.value), phone: cleanPhone(phone.value) };
      const errors = {
        name: !values.name ? t("required") : values.name.length > 50 ? t("name_invalid") : "",
        id: !values.id_number ? t("required")
          : !/^\d{17}[\dX]$/.test(values.id_number) ? t("id_shape") : !validId(values.id_number) ? t("id_invalid") : "",
        phone: !values.phone ? t("required") : !PHONE_RE.test(values.phone) ? t("phone_invalid") : "",
      };
      setFieldError(name, errors.name);
      setFieldError(id, errors.id);
      setFieldError(phone, errors.phone);
      if (errors.name || errors.id || errors.phone) ok = false;
      out.push(values);
    }
    const ids = out.map((a) => a.id_number);
    if (ok && new Set(ids).size !== ids.length) {
      setFieldError($(`#id-${ids.length - 1}`), t("same_person"));
      ok = false;
    }
    if (!ok) {
      showBox($("#form-error"), t("fix_fields"));
      const first = $(".party [aria-invalid=true]");
      if (first) first.focus();
      return null;
    }
    return out;
  }

  /** Put a server error on the field it is about, when it says which applicant. */
  function markField(e, applicants) {
    const d = e.details || {};
    const raw = String(d.message || "");
    // the server names the applicant (0-based) and the field; older answers only in the text
    const n = Number.isInteger(d.applicant) ? d.applicant + 1
      : Number((raw.match(/applicant (\d+)/) || [])[1] || (applicants.length === 1 ? 1 : 0));
    const fieldOf = { invalid_id_number: "id", invalid_phone: "phone" }[e.code]
      || { id_number: "id", phone: "phone", name: "name" }[d.field] || null;
    if (e.code === "duplicate_booking") {
      const last4 = (raw.match(/\*{6,}([0-9X]{4})/) || [])[1];
      const i = applicants.findIndex((a) => a.id_number.endsWith(last4 || "----"));
      if (i >= 0) setFieldError($(`#id-${i}`), bookingMessage(e));
      return;
    }
    if (fieldOf && n >= 1 && n <= applicants.length) {
      const input = $(`#${fieldOf}-${n - 1}`);
      setFieldError(input, e.message);
      input.focus();
    }
  }

  function offerNextFree(starts) {
    const minutes = data.service.slot_minutes;
    const buttons = starts.map((start) => {
      const end = new Date(new Date(start).getTime() + minutes * 60000).toISOString();
      return el("button", { type: "button", class: "slot", dataset: { start, end } },
        el("span", { class: "slot-time", text: slotWhen(start, end) }));
    });
    const other = el("button", { type: "button", class: "button", text: t("choose_other") });
    other.addEventListener("click", () => { if (state.date) pickDay(state.date); });
    const list = $("#next-free-list");
    list.replaceChildren(...buttons, other);
    $("#next-free > p").hidden = !buttons.length;
    list.onclick = (ev) => {
      const b = ev.target.closest(".slot");
      if (!b) return;
      state.slot = { start: b.dataset.start, end: b.dataset.end };
      state.date = localDate(b.dataset.start);
      $("#form-when").textContent = slotWhen(state.slot.start, state.slot.end);
      submit();
    };
    $("#next-free").hidden = false;
  }

  async function submit(ev) {
    if (ev) ev.preventDefault();
    if (state.busy || !state.slot) return;
    showBox($("#form-error"), null);
    $("#next-free").hidden = true;
    const applicants = readApplicants();
    if (!applicants) return;
    state.busy = true;
    $("#book-submit").disabled = true;
    try {
      const res = await api("POST", "/api/v1/appointments", {
        body: { site: SITE, service: SERVICE, start: state.slot.start, applicants },
      });
      showDone(res);
    } catch (e) {
      showBox($("#form-error"), bookingMessage(e));
      markField(e, applicants);
      if (e.code === "slot_full") offerNextFree(e.details.next_free || []);
      $("#form-error").scrollIntoView({ block: "center" });
    } finally {
      state.busy = false;
      $("#book-submit").disabled = false;
    }
  }

  function showDone(res) {
    state.result = res;
    $("#d-code").textContent = res.code;
    $("#d-code").dataset.code = res.code;
    qrFor($("#d-qr"), res.code);
    $("#d-service").textContent = LANG === "en" ? res.service_name_en : res.service_name;
    $("#d-when").textContent = slotWhen(res.start, res.end);
    $("#d-checkin").textContent = t("checkin_window", { from: hhmm(res.checkin_from), until: hhmm(res.checkin_until) });
    showPeople($("#d-people"), res.applicants);
    $("#d-manage").href = `/book/manage?code=${encodeURIComponent(res.code)}`;
    $("#book-form").reset();
    history.replaceState({ step: "done" }, "", "#done");
    show("done", { push: false });
  }

  renderDays($("#days"), data.days, pickDay);
  $("#book-form").addEventListener("submit", submit);
  for (const b of $$("[data-go]")) b.addEventListener("click", () => show(b.dataset.go));
  for (const input of $$(".party input")) {
    input.addEventListener("input", () => {
      setFieldError(input, "");
      if (!$("#book-form [aria-invalid=true]")) showBox($("#form-error"), null);
    });
  }
  $("#d-print").addEventListener("click", () => window.print());
  window.addEventListener("popstate", (e) => show((e.state && e.state.step) || "day", { push: false }));
  history.replaceState({ step: "day" }, "", location.pathname + location.search);
  show("day", { push: false, focus: false });
}

// == my booking: look up, cancel, reschedule ==================================================
function managePage() {
  const state = { code: null, verify: null, booking: null, move: null, busy: false };
  const STATUS = (s) => t(`status_${s}`);

  function showBooking(b, message = "") {
    state.booking = b;
    $("#m-lookup").hidden = true;
    $("#m-booking").hidden = false;
    $("#b-status").textContent = STATUS(b.status);
    $("#b-status").className = `badge status-${b.status}`;
    $("#b-code").textContent = b.code;
    qrFor($("#b-qr"), b.code);
    $("#b-service").textContent = LANG === "en" ? b.service_name_en : b.service_name;
    $("#b-when").textContent = slotWhen(b.start, b.end);
    $("#b-site").textContent = LANG === "en" ? b.site_name_en || b.site_name : b.site_name;
    showPeople($("#b-people"), b.applicants);
    $("#b-ticket-row").hidden = !b.ticket;
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
    const verifyOk = /^[0-9]{3}[0-9X]$/.test(verify) || PHONE_RE.test(verify);
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
      const pick = (date) => {
        renderDays($("#m-days"), days, pick, date);
        $("#m-slot-day").textContent = fullDay(date);
        $("#m-slot-day").hidden = false;
        $("#m-move-confirm").hidden = true;
        showSlots($("#m-slots"), b.site, b.service, date, confirmMove);
      };
      renderDays($("#m-days"), days, pick);
    } catch (e) {
      showBox($("#m-move-error"), e.message);
    }
  }

  async function move() {
    if (!state.move) return;
    try {
      const b = await act("reschedule", { start: state.move.start });
      if (b) showBooking(b, t("moved_ok", { when: slotWhen(b.start, b.end) }));
    } catch (e) {
      $("#m-move-confirm").hidden = true;
      const free = (e.details && e.details.next_free) || [];
      const offers = free.map((start) => {
        const b = el("button", { type: "button", class: "slot" }, el("span", { class: "slot-time", text: slotWhen(start) }));
        b.addEventListener("click", () => {
          const end = new Date(new Date(start).getTime() + (new Date(state.booking.end) - new Date(state.booking.start)));
          confirmMove({ start, end: end.toISOString() });
        });
        return b;
      });
      showBox($("#m-move-error"), [el("p", { text: bookingMessage(e) }),
        offers.length ? el("p", { text: t("next_free") }) : null,
        offers.length ? el("div", { class: "slot-list" }, ...offers) : null].filter(Boolean));
    }
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
  $("#b-other").addEventListener("click", () => {
    state.code = state.verify = state.booking = null;
    $("#m-verify").value = "";
    $("#m-booking").hidden = true;
    $("#m-lookup").hidden = false;
    $("#m-code").focus();
  });
}

if (document.body.dataset.page === "book") bookingPage();
else if (document.body.dataset.page === "manage") managePage();
