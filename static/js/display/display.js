// Hall display: a tile per counter, the banner, recent calls, waiting and estimated wait per
// service, and the 温馨提示 line. Everything on the board is drawn from one model, the state of
// each counter as the site socket reports it: the banner shows the tickets being called right
// now (turning through them when several are), the tiles show every counter, so a call is on
// the board the moment it is made and leaves it when the ticket is finished, transferred or the
// counter pauses. The voice (voice.js) follows the same model. See docs/display.md.
import { $, el, readJSON } from "../lib/dom.js";
import { LANG, pickLang, t } from "../lib/i18n.js";
import { siteSocket } from "../lib/socket.js";
import { runClock, serverNow } from "../lib/time.js";
import { reportHealth } from "./health.js";
import { voiceQueue } from "./voice.js";
import { EVENTS } from "../events.js";

const page = readJSON("page-data");
const SITE = page.site;
const RECENT_KEPT = 8;
const ROTATE_MS = 5000; // each call in the banner, when several are called at once
const NOTICE_MS = 8000; // each line of the notices
const ESTIMATES_MS = 20000; // estimated waits are refreshed; waiting counts come with the events
// after a change, wait out the server's estimate memo (core/views.ESTIMATE_SECONDS = 2 s): an earlier
// fetch can get the estimate from before the change and keep it for ESTIMATES_MS
const ESTIMATES_SOON_MS = 2500;
const ANNOUNCE_WITHIN_MS = 2 * 60 * 1000;
const CALL_TYPES = new Set([EVENTS.TICKET_CALLED, EVENTS.TICKET_RECALLED]);
const LEAVING = new Set([EVENTS.TICKET_DONE, EVENTS.TICKET_NO_SHOW, EVENTS.TICKET_TRANSFERRED, EVENTS.TICKET_EXPIRED,
  EVENTS.TICKET_CANCELLED]);

const model = {
  counters: new Map((page.counters || []).map((c) => [c.id, c])),
  services: new Map((page.services || []).map((s) => [s.id, s])),
  calls: new Map(), // seq -> call, every call this page knows of
  notices: [],
  shown: null, // key of the call in the banner
};
let rotateTimer = null;
let noticeTimer = null;
let noticeIndex = 0;
let estimatesTimer = null;

const keyOf = (counterId, number) => `${counterId}|${number}`;

// -- the model -----------------------------------------------------------------------------
/** The calls standing now: tickets called (not yet served) at counters that are not closed, newest first. */
function activeCalls() {
  const out = [];
  for (const c of model.counters.values()) {
    if (c.state === "closed" || !c.current || c.current.status !== "called") continue;
    out.push({ key: keyOf(c.id, c.current.number), counterId: c.id, counterNumber: c.number,
      number: c.current.number, seq: c.calledSeq || 0 });
  }
  return out.sort((a, b) => b.seq - a.seq || a.counterNumber - b.counterNumber);
}

function isCurrent(call) {
  return activeCalls().some((a) => a.key === keyOf(call.counterId, call.number));
}

function callOf(ev) {
  const tk = (ev.data && ev.data.ticket) || ev.ticket || {};
  const counter = tk.counter || {};
  return { seq: ev.seq, at: ev.at, type: ev.type, number: tk.number, service: tk.service,
    counterId: counter.id, counterNumber: counter.number };
}

function sentence(call) {
  return t("call_sentence", { number: call.number, counter: call.counterNumber });
}

/** Remember a call once; log it and, when recent enough, announce it. */
function addCall(call, { live }) {
  if (model.calls.has(call.seq) || !call.number || call.counterNumber === undefined) return;
  model.calls.set(call.seq, call);
  const c = model.counters.get(call.counterId);
  if (c && (!c.calledSeq || call.seq > c.calledSeq)) c.calledSeq = call.seq;
  if (!live) return;
  const fresh = serverNow() - Date.parse(call.at) <= ANNOUNCE_WITHIN_MS;
  $("#call-log").append(el("li", { dataset: { seq: call.seq, number: call.number, counter: call.counterNumber,
    type: call.type, announced: fresh ? "1" : "0" } }, sentence(call)));
  if (fresh) {
    show(keyOf(call.counterId, call.number));
    voice.announce({ ...call });
  }
}

function applyState(ev) {
  const data = ev.data || {};
  const tk = data.ticket;
  if (ev.type === EVENTS.COUNTER_UPDATED && data.counter) {
    const old = model.counters.get(data.counter.id);
    model.counters.set(data.counter.id, { ...data.counter, calledSeq: old && old.calledSeq });
  } else if (tk && (CALL_TYPES.has(ev.type) || ev.type === EVENTS.TICKET_SERVING) && tk.counter) {
    const c = model.counters.get(tk.counter.id);
    if (c) c.current = tk;
  } else if (tk && LEAVING.has(ev.type)) {
    // The ticket has left its counter (finished, transferred, missed): no tile or banner keeps it.
    for (const c of model.counters.values()) if (c.current && c.current.number === tk.number) c.current = null;
  }
  if (data.waiting) setWaiting(data.waiting);
  if (data.waiting || ev.type === EVENTS.COUNTER_UPDATED) estimatesSoon();
  if (ev.type === EVENTS.NOTICES_UPDATED) setNotices(data.notices);
}

function setWaiting(counts) {
  for (const s of model.services.values()) s.waiting = counts[s.id] || 0;
}

// -- the banner ----------------------------------------------------------------------------
/** Put this call in the banner now (a new call, or the voice reaching it) and restart the turn. */
function show(key) {
  model.shown = key;
  clearTimeout(rotateTimer);
  rotateTimer = setTimeout(rotate, ROTATE_MS);
  flash();
}

function rotate() {
  const active = activeCalls();
  if (active.length > 1) {
    const i = active.findIndex((a) => a.key === model.shown);
    model.shown = active[(i + 1) % active.length].key;
    flash();
    render();
  }
  rotateTimer = setTimeout(rotate, ROTATE_MS);
}

function flash() {
  const box = $("#announce-call");
  box.classList.remove("flash");
  void box.offsetWidth; // restart the animation
  box.classList.add("flash");
}

function renderBanner(active) {
  let cur = active.find((a) => a.key === model.shown);
  if (!cur && active.length) {
    cur = active[0];
    model.shown = cur.key;
  }
  if (!cur) model.shown = null;
  $("#announce").classList.toggle("is-idle", !cur);
  $("#announce-call").hidden = !cur;
  const text = cur ? sentence(cur) : t("welcome");
  if ($("#announce-text").textContent !== text) $("#announce-text").textContent = text;
  if (cur) {
    $("#call-number").textContent = cur.number;
    $("#call-counter").textContent = t("counter_n", { n: cur.counterNumber });
  }
  const more = $("#announce-more");
  more.hidden = active.length < 2;
  if (cur && active.length > 1) {
    more.textContent = t("calls_of", { i: active.findIndex((a) => a.key === cur.key) + 1, n: active.length });
  }
  document.body.dataset.calls = String(active.length);
}

// -- tiles, recent calls, waiting -------------------------------------------------------------
function tileState(c) {
  if (c.state === "closed") return ["closed", t("state_closed"), "—"];
  if (c.state === "paused") return ["paused", t("state_paused"), c.pause_reason_text ? pickLang(c.pause_reason_text) : "—"];
  if (c.current && c.current.status === "serving") return ["serving", t("state_serving"), c.current.number];
  if (c.current) return ["called", t("state_called"), c.current.number];
  return ["idle", t("state_idle"), "—"];
}

function renderCounters() {
  const list = [...model.counters.values()].sort((a, b) => a.number - b.number);
  $("#counters").replaceChildren(...list.map((c) => {
    const [cls, stateText, ticket] = tileState(c);
    const shown = Boolean(c.current) && model.shown === keyOf(c.id, c.current.number);
    return el("li", { class: `counter-tile state-${c.state} is-${cls}${shown ? " highlight" : ""}`, dataset: { counter: c.id } },
      el("span", { class: "c-number", text: t("counter_n", { n: c.number }) }),
      el("span", { class: "c-state", text: stateText }),
      el("span", { class: "c-ticket", text: ticket }));
  }));
}

function renderRecent() {
  const seen = new Set();
  const list = [...model.calls.values()].sort((a, b) => b.seq - a.seq)
    .filter((c) => !seen.has(c.number) && seen.add(c.number)) // a recall moves the number up
    .slice(0, RECENT_KEPT);
  $("#recent").replaceChildren(...list.map((c) => el("li", { class: keyOf(c.counterId, c.number) === model.shown ? "newest" : "",
    dataset: { seq: c.seq } },
  el("span", { class: "r-number", text: c.number }),
  el("span", { class: "r-counter", text: t("counter_n", { n: c.counterNumber }) }))));
  fitRecent();
}

/** One line of chips: those that would wrap are left out rather than cut. */
function fitRecent() {
  const ol = $("#recent");
  for (const li of ol.children) li.hidden = false;
  const top = ol.firstElementChild ? ol.firstElementChild.offsetTop : 0;
  for (const li of ol.children) li.hidden = li.offsetTop > top + 2;
}

function waitText(s) {
  if (s.estimated_wait_minutes === null || s.estimated_wait_minutes === undefined) return t("no_estimate");
  if (s.estimated_wait_minutes === 0) return t("no_wait");
  return t("wait_about", { n: s.estimated_wait_minutes });
}

function renderWaiting() {
  $("#waiting").replaceChildren(...[...model.services.values()].map((s) => el("tr", { dataset: { service: s.id } },
    el("th", { scope: "row", class: "w-name", text: LANG === "en" ? s.name_en || s.name : s.name }),
    el("td", { class: "w-count", text: String(s.waiting ?? 0) }),
    el("td", { class: "w-wait", text: waitText(s) }))));
}

function render() {
  const active = activeCalls();
  renderBanner(active);
  renderCounters();
  renderRecent();
  renderWaiting();
}

// -- notices -------------------------------------------------------------------------------
function setNotices(lines) {
  model.notices = Array.isArray(lines) ? lines.filter((x) => typeof x === "string" && x) : [];
  noticeIndex = 0;
  clearInterval(noticeTimer);
  renderNotice();
  if (model.notices.length > 1) noticeTimer = setInterval(() => { noticeIndex += 1; renderNotice(); }, NOTICE_MS);
}

function renderNotice() {
  const box = $("#notices");
  box.hidden = !model.notices.length;
  if (box.hidden) return;
  const p = $("#notices-text");
  p.textContent = model.notices[noticeIndex % model.notices.length]; // text, never HTML
  p.classList.remove("slide");
  void p.offsetWidth;
  p.classList.add("slide");
}

/** Waits change with the queue and the counters open: fetch them shortly after (once for a burst). */
function estimatesSoon() {
  if (estimatesTimer === null) estimatesTimer = setTimeout(refreshEstimates, ESTIMATES_SOON_MS);
}

async function refreshEstimates() {
  clearTimeout(estimatesTimer);
  estimatesTimer = null;
  try {
    const res = await fetch(`/api/v1/sites/${encodeURIComponent(SITE)}/services`, { cache: "no-store" });
    if (!res.ok) return;
    for (const s of await res.json()) {
      const mine = model.services.get(s.id);
      if (mine) mine.estimated_wait_minutes = s.estimated_wait_minutes;
    }
    renderWaiting();
  } catch { /* the next round retries */ }
}

// -- the feed ------------------------------------------------------------------------------
function onSnapshot(msg, { reconnect }) {
  const d = msg.data || {};
  const seqs = new Map([...model.counters.values()].map((c) => [c.id, c.calledSeq]));
  model.counters.clear();
  for (const c of d.counters || []) model.counters.set(c.id, { ...c, calledSeq: seqs.get(c.id) });
  if (d.services) {
    model.services.clear();
    for (const s of d.services) model.services.set(s.id, s);
  }
  if (d.waiting) setWaiting(d.waiting);
  // Oldest first, so the log keeps call order; on first load nothing is announced.
  for (const r of [...(d.recent || [])].reverse()) addCall(callOf(r), { live: reconnect });
  setNotices(d.notices);
  setSeq(msg.seq);
  render();
}

function onEvent(ev, { replay }) {
  // Replayed events are older than the snapshot just received: only their calls matter.
  if (!replay) applyState(ev);
  if (CALL_TYPES.has(ev.type)) addCall(callOf(ev), { live: true });
  setSeq(ev.seq);
  render();
}

function setSeq(seq) {
  const prev = Number(document.body.dataset.lastSeq || 0);
  if (seq > prev || !document.body.dataset.lastSeq) document.body.dataset.lastSeq = String(seq);
}

function onStatus(status) {
  const conn = $("#conn");
  conn.hidden = status === "open";
  conn.textContent = status === "open" ? "" : t("offline");
}

function blockSound() {
  $("#sound-overlay").hidden = false;
}

function enableSound() {
  $("#sound-overlay").hidden = true;
  voice.unblock();
}

const voice = voiceQueue({
  lang: LANG,
  isCurrent,
  onSpeak: (call) => {
    show(keyOf(call.counterId, call.number)); // the banner shows what is being said
    render();
  },
  onBlocked: blockSound,
});

$("#sound-enable").addEventListener("click", enableSound);
$("#sound-overlay").addEventListener("click", enableSound);
runClock($("#clock"));
render();
rotateTimer = setTimeout(rotate, ROTATE_MS);
window.addEventListener("resize", fitRecent);
reportHealth(SITE);
setInterval(refreshEstimates, ESTIMATES_MS);
const feed = siteSocket(SITE, { onSnapshot, onEvent, onStatus });
// A handle for tests and for debugging from the console.
window.hallDisplay = { feed, model, calls: model.calls, disconnect: () => feed.disconnect(), connect: () => feed.connect() };
