// The booking steps of one service (templates/book_service.html): day -> time -> applicants ->
// done, each step a section with its own address (#day, #slot...) so Back works. Everything
// goes to the JSON API with fetch; nothing typed goes into the address bar.
import { api } from "../lib/api.js";
import { $, $$, el, readJSON } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { markField, readApplicants } from "./applicants.js";
import { fillFromCards, kioskToken } from "./card.js";
import { chosenCeremony, showCeremonies, showChosenCeremony } from "./ceremony.js";
import { bookingMessage, setFieldError, showBox } from "./form.js";
import { qrFor, renderDays, showPeople, showSlots } from "./pickers.js";
import { proofHeaders, warmUp } from "./pow.js";
import { fullDay, hhmm, localDate, slotWhen } from "./when.js";

const data = readJSON("page-data");
const SITE = data.site.id;
const SERVICE = data.service.id;
const STEPS = ["day", "slot", "form", "done"];
const state = { step: "day", date: null, slot: null, result: null, busy: false };

/** The step that can be shown: one whose earlier choices are made. */
function reachable(step) {
  if (state.result) return "done";
  if (step === "slot" && !state.date) return "day";
  if (step === "form" && !state.slot) return state.date ? "slot" : "day";
  return step;
}

function show(wanted, { push = true, focus = true } = {}) {
  const step = reachable(wanted);
  state.step = step;
  for (const s of STEPS) $(`#step-${s}`).hidden = s !== step;
  for (const li of $$(".steps li")) {
    li.classList.toggle("done", STEPS.indexOf(li.dataset.step) < STEPS.indexOf(step));
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
  warmUp(); // the proof of work, solved while the applicants are typed in
  if (data.service.ceremonies) showCeremonies($("#ceremony-box"), SITE, localDate(slot.start));
}

/** The slot was taken meanwhile: offer the next free ones of the service (one click books). */
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
    const ceremony = data.service.ceremonies ? chosenCeremony($("#ceremony-box")) : null;
    const res = await api("POST", "/api/v1/appointments", {
      body: { site: SITE, service: SERVICE, start: state.slot.start, applicants, ...(ceremony ? { ceremony } : {}) },
      headers: await proofHeaders(),
      token: applicants.some((a) => a.card) ? kioskToken() : undefined, // a card's token is the kiosk's
    });
    showDone(res);
  } catch (e) {
    showBox($("#form-error"), bookingMessage(e));
    markField(e, applicants);
    if (e.code === "slot_full") offerNextFree(e.details.next_free || []);
    if (e.code === "ceremony_full" && state.date) showCeremonies($("#ceremony-box"), SITE, state.date);
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
  showChosenCeremony($("#d-ceremony-row"), res.ceremony);
  $("#d-manage").href = `/book/manage?code=${encodeURIComponent(res.code)}`;
  $("#book-form").reset();
  history.replaceState({ step: "done" }, "", "#done");
  show("done", { push: false });
}

function wire() {
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
}

renderDays($("#days"), data.days, pickDay);
wire();
fillFromCards();
history.replaceState({ step: "day" }, "", location.pathname + location.search);
show("day", { push: false, focus: false });
