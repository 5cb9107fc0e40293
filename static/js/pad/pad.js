// A counter's 好差评 pad: a tablet facing the resident. When the clerk finishes a ticket at
// this counter (ticket.done with by_counter = this counter on the site socket), it asks the
// resident to rate the visit. Nothing is pre-selected; grades 1-2 ask for a reason.
import { api } from "../lib/api.js";
import { deviceToken } from "../lib/device.js";
import { $, $$, readJSON } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { siteSocket } from "../lib/socket.js";
import { EVENTS } from "../events.js";

const page = readJSON("page-data");
const COUNTER = page.counter;
const SITE = page.site;
const PROMPT_SECONDS = 120; // back to the welcome screen when nobody touches the pad
const THANKS_SECONDS = 6;
const token = deviceToken("pad-token"); // arrives once in the URL fragment
const state = { number: null, grade: null, timer: null, busy: false };

function message(text) {
  const m = $("#pad-message");
  m.textContent = text || "";
  m.hidden = !text;
}

function show(screen) {
  for (const s of ["idle", "prompt", "thanks"]) $(`#pad-${s}`).hidden = s !== screen;
  document.body.dataset.state = screen;
  clearTimeout(state.timer);
  if (screen === "prompt") state.timer = setTimeout(idle, PROMPT_SECONDS * 1000);
  if (screen === "thanks") state.timer = setTimeout(idle, THANKS_SECONDS * 1000);
}

function idle() {
  state.number = null;
  state.grade = null;
  show("idle");
}

function serviceName(id) {
  const names = (page.services || {})[id];
  if (!names) return id || "";
  return LANG === "en" ? names[1] || names[0] : names[0];
}

function prompt(number, service, matters = []) {
  if (state.number === number && document.body.dataset.state === "prompt") return;
  state.number = number;
  state.grade = null;
  $("#pad-number").textContent = number;
  $("#pad-service").textContent = serviceName(service);
  // 一事一评: the visit's matters are rated with it (docs/matters.md)
  $("#pad-matters").textContent = matters.map((m) => ` · ${LANG === "en" ? m.name_en : m.name}`).join("");
  $("#pad-matters").hidden = matters.length === 0;
  for (const b of $$(".grade")) b.setAttribute("aria-pressed", "false");
  $("#pad-reasons").reset();
  $("#pad-reasons").hidden = true;
  message("");
  show("prompt");
}

function thanks(text) {
  $("#pad-thanks-text").textContent = text;
  state.number = null;
  show("thanks");
}

async function submit(grade, reason = null, comment = null) {
  if (state.busy || !state.number) return;
  if (!token()) {
    message(t("pad_no_token"));
    return;
  }
  state.busy = true;
  try {
    await api("POST", `/api/v1/counters/${encodeURIComponent(COUNTER)}/pad`, {
      token: token(),
      body: { number: state.number, grade, reason, comment },
    });
    thanks(t("pad_thanks"));
  } catch (e) {
    if (e.code === "already_evaluated") thanks(t("pad_already"));
    else if (e.code === "not_evaluable") {
      idle();
      message(t("pad_too_late"));
    } else message(e.status === 401 ? t("pad_no_token") : e.message);
  } finally {
    state.busy = false;
  }
}

function choose(grade) {
  state.grade = grade;
  for (const b of $$(".grade")) b.setAttribute("aria-pressed", String(Number(b.dataset.grade) === grade));
  show("prompt"); // restart the idle timer
  if (grade >= 3) {
    submit(grade);
    return;
  }
  $("#pad-reasons").hidden = false;
  $("#pad-reasons input[name=reason]").focus();
}

for (const b of $$(".grade")) b.addEventListener("click", () => choose(Number(b.dataset.grade)));
$("#pad-reasons").addEventListener("input", () => show("prompt"));
$("#pad-reasons").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const reason = form.get("reason") || null;
  const comment = String(form.get("comment") || "").trim() || null;
  if ((!reason && !comment) || (reason === "other" && !comment)) {
    message(t("pad_reason_needed"));
    return;
  }
  message("");
  submit(state.grade, reason, comment);
});

// What to show after a (re)connect: the ticket finished here a moment ago, if still unrated.
async function refresh() {
  if (!token()) {
    message(t("pad_no_token"));
    return;
  }
  try {
    const s = await api("GET", `/api/v1/counters/${encodeURIComponent(COUNTER)}/pad`, { token: token() });
    if (s.pending) prompt(s.pending.number, s.pending.service, s.pending.matters || []);
    else if (document.body.dataset.state === "prompt") idle();
  } catch (e) {
    message(e.status === 401 || e.status === 403 ? t("pad_no_token") : e.message);
  }
}

function onEvent(ev, { replay }) {
  if (replay) return;
  const d = ev.data || {};
  if (ev.type === EVENTS.TICKET_DONE && d.by_counter && d.by_counter.id === COUNTER && d.ticket) {
    prompt(d.ticket.number, d.ticket.service);
  } else if ((ev.type === EVENTS.EVALUATION_RECORDED || ev.type === EVENTS.EVALUATION_BAD) && d.number === state.number
      && d.counter && d.counter.id === COUNTER && !state.busy) {
    thanks(t("pad_already")); // rated on the phone meanwhile
  }
}

show("idle");
if (!token()) message(t("pad_no_token"));
const feed = siteSocket(SITE, { onSnapshot: () => refresh(), onEvent });
window.hallPad = { feed, refresh };
