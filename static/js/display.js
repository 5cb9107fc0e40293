// Hall display: counters, recent calls, waiting per service; announces each call with a
// chime and the spoken sentence, one after another. Catches up after a reconnect by seq.
// Each call stays in the banner until the next one, and at least MIN_SHOW_MS when calls
// come in a burst; the last RECENT_SHOWN calls stay in the list (docs/accessibility.md).
import { $, el, formatTime, LANG, readJSON, runClock, serverNow, siteSocket, t } from "./common.js";

const page = readJSON("page-data");
const SITE = page.site;
const RECENT_SHOWN = 10;
const MIN_SHOW_MS = 8000;
const ANNOUNCE_WITHIN_MS = 2 * 60 * 1000;
const CHIME = "/static/audio/chime.wav";
const CALL_TYPES = new Set(["ticket.called", "ticket.recalled"]);
const CLEARING = new Set(["ticket.done", "ticket.no_show", "ticket.transferred", "ticket.expired", "ticket.cancelled"]);

const counters = new Map((page.counters || []).map((c) => [c.id, c]));
const services = new Map((page.services || []).map((s) => [s.id, s]));
const calls = new Map(); // seq -> call, every call this page knows of
const queue = [];
let playing = false;
let soundBlocked = false;
let lastAnnounced = null;
let highlightTimer = null;

// -- calls -----------------------------------------------------------------------------
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
  if (calls.has(call.seq) || !call.number || call.counterNumber === undefined) return;
  calls.set(call.seq, call);
  if (!live) return;
  const fresh = serverNow() - Date.parse(call.at) <= ANNOUNCE_WITHIN_MS;
  $("#call-log").append(el("li", { dataset: { seq: call.seq, number: call.number, counter: call.counterNumber,
    type: call.type, announced: fresh ? "1" : "0" } }, sentence(call)));
  if (fresh) announce(call);
}

// -- sound: chime, then the spoken call; never overlapping -----------------------------
function announce(call) {
  queue.push(call);
  if (!playing) playQueue();
}

function play(url) {
  return new Promise((resolve) => {
    const audio = new Audio(url);
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      resolve();
    };
    const guard = setTimeout(done, 20000);
    audio.addEventListener("ended", done);
    audio.addEventListener("error", done); // non-200 or no codec: the text stays on screen
    audio.play().catch((err) => {
      if (err && err.name === "NotAllowedError") blockSound();
      done();
    });
  });
}

async function playQueue() {
  playing = true;
  while (queue.length) {
    const call = queue.shift();
    lastAnnounced = call;
    showAnnouncement(call);
    const shownAt = Date.now();
    if (!soundBlocked) await play(CHIME);
    if (!soundBlocked) {
      const q = new URLSearchParams({ number: call.number, counter: String(call.counterNumber), lang: LANG });
      await play(`/api/v1/voice/call.wav?${q}`);
    }
    const rest = queue.length ? MIN_SHOW_MS - (Date.now() - shownAt) : 0;
    await new Promise((r) => setTimeout(r, Math.max(rest, 700)));
  }
  playing = false;
}

function blockSound() {
  soundBlocked = true;
  $("#sound-overlay").hidden = false;
}

function enableSound() {
  soundBlocked = false;
  $("#sound-overlay").hidden = true;
  if (lastAnnounced && serverNow() - Date.parse(lastAnnounced.at) <= ANNOUNCE_WITHIN_MS) announce(lastAnnounced);
}

function showAnnouncement(call) {
  $("#call-number").textContent = call.number;
  $("#call-counter").textContent = t("counter_n", { n: call.counterNumber });
  $("#announce-call").hidden = false;
  const box = $("#announce-call");
  $("#announce-text").textContent = sentence(call);
  box.classList.remove("flash");
  void box.offsetWidth; // restart the animation
  box.classList.add("flash");
  const row = document.querySelector(`[data-counter="${CSS.escape(call.counterId || "")}"]`);
  document.querySelectorAll(".counter-row.highlight").forEach((r) => r.classList.remove("highlight"));
  if (row) row.classList.add("highlight");
  clearTimeout(highlightTimer);
  highlightTimer = setTimeout(() => row && row.classList.remove("highlight"), 15000);
}

// -- rendering -------------------------------------------------------------------------
function counterState(c) {
  if (c.state === "paused") return ["paused", t("state_paused")];
  if (c.state === "closed") return ["closed", t("state_closed")];
  if (c.current && c.current.status === "serving") return ["serving", t("state_serving")];
  if (c.current) return ["called", t("state_called")];
  return ["idle", t("state_idle")];
}

function renderCounters() {
  const list = [...counters.values()].sort((a, b) => a.number - b.number);
  const highlighted = document.querySelector(".counter-row.highlight");
  const keep = highlighted && highlighted.dataset.counter;
  $("#counters").replaceChildren(...list.map((c) => {
    const [cls, text] = counterState(c);
    let stateText = text;
    if (c.state === "paused" && c.pause_reason_text) stateText += ` · ${pickSide(c.pause_reason_text)}`;
    return el("li", { class: `counter-row state-${c.state} is-${cls}${keep === c.id ? " highlight" : ""}`,
      dataset: { counter: c.id } },
    el("span", { class: "c-number", text: t("counter_n", { n: c.number }) }),
    el("span", { class: "c-ticket", text: c.current && c.state !== "closed" ? c.current.number : "—" }),
    el("span", { class: "c-state", text: stateText }));
  }));
}

function pickSide(text) {
  const i = text.indexOf(" / ");
  if (i < 0) return text;
  return LANG === "en" ? text.slice(i + 3) : text.slice(0, i);
}

function renderRecent() {
  const seen = new Set();
  const list = [...calls.values()].sort((a, b) => b.seq - a.seq)
    .filter((c) => !seen.has(c.number) && seen.add(c.number)) // a recall moves the number up
    .slice(0, RECENT_SHOWN);
  $("#recent").replaceChildren(...list.map((c, i) => el("li", { class: i === 0 ? "newest" : "", dataset: { seq: c.seq } },
    el("span", { class: "r-number", text: c.number }),
    el("span", { class: "r-counter", text: t("counter_n", { n: c.counterNumber }) }),
    el("time", { class: "r-time", datetime: c.at, text: c.at ? formatTime(new Date(c.at)) : "" }))));
}

function renderWaiting() {
  $("#waiting").replaceChildren(...[...services.values()].map((s) => el("li", { dataset: { service: s.id } },
    el("span", { class: "w-name", text: LANG === "en" ? s.name_en || s.name : s.name }),
    el("span", { class: "w-count", text: String(s.waiting ?? 0) }))));
}

function setWaiting(counts) {
  for (const s of services.values()) s.waiting = counts[s.id] || 0;
}

// -- the feed --------------------------------------------------------------------------
function onSnapshot(msg, { reconnect }) {
  const d = msg.data || {};
  counters.clear();
  for (const c of d.counters || []) counters.set(c.id, c);
  if (d.services) {
    services.clear();
    for (const s of d.services) services.set(s.id, s);
  }
  if (d.waiting) setWaiting(d.waiting);
  // Oldest first, so the log keeps call order; on first load nothing is announced.
  for (const r of [...(d.recent || [])].reverse()) addCall(callOf(r), { live: reconnect });
  setSeq(msg.seq);
  renderCounters();
  renderRecent();
  renderWaiting();
}

function onEvent(ev, { replay }) {
  if (CALL_TYPES.has(ev.type)) {
    addCall(callOf(ev), { live: true });
    renderRecent();
  }
  // Replayed events are older than the snapshot just received: only their calls matter.
  if (!replay) applyState(ev);
  setSeq(ev.seq);
}

function applyState(ev) {
  const data = ev.data || {};
  const tk = data.ticket;
  if (ev.type === "counter.updated" && data.counter) {
    counters.set(data.counter.id, data.counter);
  } else if (tk && (CALL_TYPES.has(ev.type) || ev.type === "ticket.serving") && tk.counter) {
    const c = counters.get(tk.counter.id);
    if (c) c.current = tk;
  } else if (tk && CLEARING.has(ev.type)) {
    for (const c of counters.values()) if (c.current && c.current.number === tk.number) c.current = null;
  }
  if (data.waiting) {
    setWaiting(data.waiting);
    renderWaiting();
  }
  renderCounters();
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

$("#sound-enable").addEventListener("click", enableSound);
$("#sound-overlay").addEventListener("click", enableSound);
runClock($("#clock"));
renderWaiting();
const feed = siteSocket(SITE, { onSnapshot, onEvent, onStatus });
// A handle for tests and for debugging from the console.
window.hallDisplay = { feed, calls, disconnect: () => feed.disconnect(), connect: () => feed.connect() };
