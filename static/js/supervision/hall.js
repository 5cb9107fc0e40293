// Supervisors' live hall: starts from the staff view (/api/v1/sites/{site}/hall), then follows
// the public site socket. Events carry what changed; the view is read again only after a
// reconnect, for a bad rating's reason (staff data, never on the socket), and every minute
// for the wait estimates.
import { api, staffToken } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";
import { formatTime, LANG, pickLang, t } from "../lib/i18n.js";
import { siteSocket } from "../lib/socket.js";
import { debounce, serverNow } from "../lib/time.js";
import { helpDesk } from "../staff/help_desk.js";
import { EVENTS } from "../events.js";

const page = readJSON("page-data");
const SITE = page.site;
const THRESHOLD = page.threshold || 30;
const TOKEN = staffToken();
const serviceNames = new Map((page.services || []).map((s) => [s.id, LANG === "en" ? s.name_en || s.name : s.name]));

let view = null; // the last staff view, kept current by events
let pending = []; // events that arrived while the view was loading
let loading = false;
const arrivals = new Map(); // number -> arrived_at, to put transferred or requeued tickets back
const dismissed = new Set();

const help = helpDesk($("#help-desk"), { site: SITE, token: TOKEN, live: $("#help-live") });
const gradeLabel = (g) => (page.grades[g] || [String(g), String(g)])[LANG === "en" ? 1 : 0];
const svc = (id) => serviceNames.get(id) || id;
const hhmm = (iso) => (iso ? formatTime(new Date(iso)) : "—");
const minutesSince = (iso) => Math.max(0, Math.floor((serverNow() - new Date(iso)) / 60000));

let inflight = false;
let again = false;

async function load() {
  if (inflight) {
    again = true; // one read at a time: a late answer must not overwrite a newer one
    return;
  }
  inflight = true;
  loading = true;
  try {
    const v = await api("GET", `/api/v1/sites/${encodeURIComponent(SITE)}/hall`, { token: TOKEN });
    view = v;
    help.set(v.help);
    for (const w of v.waiting) arrivals.set(w.number, w.arrived_at);
    const queued = pending.filter((ev) => ev.seq > v.seq);
    pending = [];
    loading = false;
    for (const ev of queued) apply(ev);
    renderAll();
    document.body.dataset.loaded = "1";
  } catch (e) {
    loading = false;
    if (e.status === 401) location.href = `/counter?next=${encodeURIComponent(location.pathname)}`;
    showConn(e.message);
  } finally {
    inflight = false;
    if (again) {
      again = false;
      load();
    }
  }
}
const reload = debounce(load, 800);

// -- applying events -----------------------------------------------------------------
function counterById(id) {
  return view && view.counters.find((c) => c.id === id);
}

function removeWaiting(number) {
  view.waiting = view.waiting.filter((w) => w.number !== number);
}

function addWaiting(tk, note = {}) {
  removeWaiting(tk.number);
  const arrived = arrivals.get(tk.number);
  if (!arrived) {
    reload(); // a ticket we never saw arrive: its arrival time comes with the view
    return;
  }
  view.waiting.push({ number: tk.number, service: tk.service, priority: "normal", arrived_at: arrived, ...note });
  reload(); // its place in the calling order and its priority are staff data: from the view
}

function clearCurrent(number, at = null) {
  for (const c of view.counters) {
    if (c.current && c.current.number === number) {
      c.current = null;
      if (at) c.idle_since = at;
    }
  }
}

function apply(ev) {
  if (!view || loading) {
    pending.push(ev);
    return;
  }
  if (ev.seq <= view.seq) return;
  view.seq = ev.seq;
  const d = ev.data || {};
  const tk = d.ticket;
  switch (ev.type) {
    case EVENTS.COUNTER_UPDATED: {
      const c = counterById(d.counter && d.counter.id);
      if (c) {
        Object.assign(c, { state: d.counter.state, pause_reason: d.counter.pause_reason,
          pause_reason_text: d.counter.pause_reason_text, since: d.counter.since, idle_since: d.counter.since });
        if (d.counter.state === "closed") c.clerk = null;
        else if (!c.clerk) reload(); // who signed in is staff data: not on the socket
      }
      break;
    }
    case EVENTS.TICKET_ISSUED:
      arrivals.set(tk.number, ev.at);
      addWaiting(tk);
      break;
    case EVENTS.TICKET_CALLED:
    case EVENTS.TICKET_RECALLED: {
      removeWaiting(tk.number);
      const c = counterById(d.by_counter && d.by_counter.id);
      if (ev.type === EVENTS.TICKET_RECALLED && c && c.current && c.current.number === tk.number) break; // called since then
      clearCurrent(tk.number);
      if (c) c.current = { number: tk.number, service: tk.service, status: "called", called_at: ev.at, serving_at: null };
      break;
    }
    case EVENTS.TICKET_SERVING: {
      const c = counterById(d.by_counter && d.by_counter.id);
      if (c && c.current && c.current.number === tk.number) Object.assign(c.current, { status: "serving", serving_at: ev.at });
      break;
    }
    case EVENTS.TICKET_NO_SHOW:
      clearCurrent(tk.number, ev.at);
      if (d.requeued) addWaiting(tk, { requeued: true });
      break;
    case EVENTS.TICKET_TRANSFERRED:
      clearCurrent(tk.number, ev.at);
      addWaiting(tk, { transfers: 1, front: d.position === "front" });
      break;
    case EVENTS.TICKET_REINSTATED:
      addWaiting(tk);
      break;
    case EVENTS.TICKET_DONE:
    case EVENTS.TICKET_EXPIRED:
    case EVENTS.TICKET_CANCELLED:
      clearCurrent(tk.number, ev.at);
      removeWaiting(tk.number);
      break;
    case EVENTS.EVALUATION_RECORDED:
    case EVENTS.EVALUATION_BAD:
      view.ratings_today.evaluations += 1;
      if (d.grade >= 4) view.ratings_today.satisfied += 1;
      if (ev.type === EVENTS.EVALUATION_BAD) {
        view.ratings_today.bad += 1;
        view.bad.push({ number: d.number, counter: d.counter, grade: d.grade, grade_label: gradeLabel(d.grade),
          at: ev.at, reason_text: null, followups: [], live: true });
        reload(); // the reason is staff data: read it from the staff view
      }
      break;
    case EVENTS.HELP_REQUESTED:
    case EVENTS.HELP_CLAIMED:
    case EVENTS.HELP_CLOSED:
      help.apply(ev);
      return;
    default:
      break;
  }
  if (d.waiting) for (const s of view.services) s.waiting = d.waiting[s.id] ?? s.waiting;
  renderAll();
}

// -- rendering -----------------------------------------------------------------------
function renderCounters() {
  const rows = view.counters.map((c) => {
    let now;
    if (c.current && c.current.status === "serving") now = t("serving_since", { number: c.current.number, time: hhmm(c.current.serving_at) });
    else if (c.current) now = t("called_since", { number: c.current.number, time: hhmm(c.current.called_at) });
    else if (c.state === "paused") now = `${t("paused_since", { time: hhmm(c.since) })} · ${pickLang(c.pause_reason_text)}`;
    else if (c.state === "open") now = t("idle_since", { time: hhmm(c.idle_since || c.since) });
    else now = "—";
    const label = c.current ? (c.current.status === "serving" ? "serving" : "called") : c.state === "open" ? "idle" : c.state;
    return el("tr", { class: `state-${c.state} is-${label}`, dataset: { counter: c.id } },
      el("td", {}, t("counter_n", { n: c.number })),
      el("td", {}, el("span", { class: `pill pill-${label}` }, c.state === "open" && !c.current ? t("idle") : t(`state_${c.state}`))),
      el("td", {}, c.clerk || "—"),
      el("td", { class: "c-now" }, now));
  });
  $("#counters").replaceChildren(...rows);
}

function renderServices() {
  $("#services").replaceChildren(...view.services.map((s) => el("tr", { dataset: { service: s.id } },
    el("td", {}, LANG === "en" ? s.name_en : s.name),
    el("td", { class: "num" }, String(s.waiting)),
    el("td", {}, s.estimated_wait_minutes === null ? t("no_estimate") : t("minutes", { n: s.estimated_wait_minutes })))));
  const r = view.ratings_today;
  $("#ratings-today").textContent = `${r.evaluations} · ${Math.round((r.satisfied / (r.evaluations || 1)) * 100)}% · ${r.bad}`;
}

function renderWaiting() {
  const list = view.waiting; // in calling order, from the server (core/queue/calling.py)
  let over = 0;
  const rows = list.map((w) => {
    const waited = minutesSince(w.arrived_at);
    const late = waited >= THRESHOLD;
    if (late) over += 1;
    const notes = marks(w);
    return el("tr", { class: late ? "over" : "", dataset: { number: w.number } },
      el("td", { class: "q-number" }, w.number),
      el("td", {}, svc(w.service)),
      el("td", {}, hhmm(w.arrived_at)),
      el("td", { class: "num" }, t("waited_min", { n: waited })),
      el("td", {}, notes));
  });
  $("#waiting").replaceChildren(...rows);
  $("#waiting-empty").hidden = list.length > 0;
  $("#waiting-count").textContent = String(list.length);
  $("#over-summary").textContent = over ? t("over_threshold", { n: over, min: THRESHOLD }) : "";
  document.body.dataset.over = String(over);
}

// What puts a ticket ahead, for staff only (never on public pages): green channel, appointment,
// transferred to the front; and a requeued no-show or a transfer.
function marks(w) {
  const out = [];
  if (w.front) out.push(el("span", { class: "mark mark-front" }, t("mark_front")));
  if (w.priority === "appointment") out.push(el("span", { class: "mark mark-appointment" }, t("mark_appointment")));
  else if (w.priority !== "normal") out.push(el("span", { class: "mark mark-green" }, t(`mark_${w.priority}`)));
  if (w.requeued) out.push(el("span", { class: "mark" }, t("mark_requeued")));
  if (w.transfers && !w.front) out.push(el("span", { class: "mark" }, t("mark_transferred")));
  return el("span", { class: "marks" }, ...out);
}

function alertBox(kind, key, text, extra) {
  const box = el("div", { class: `alert alert-${kind}`, dataset: { key } }, el("span", {}, text), extra || null);
  const close = el("button", { type: "button", class: "button" }, t("dismiss"));
  close.addEventListener("click", () => { dismissed.add(key); renderAlerts(); });
  box.append(close);
  return box;
}

function renderAlerts() {
  const boxes = [];
  for (const b of view.bad) {
    const key = `bad:${b.number}:${b.at}`;
    if (dismissed.has(key) || b.followups.length) continue;
    const counter = b.counter ? b.counter.number : "—";
    const reason = b.reason_text ? ` · ${pickLang(b.reason_text)}${b.comment ? `: ${b.comment}` : ""}` : "";
    const link = el("a", { href: `/admin/followups?site=${encodeURIComponent(SITE)}#r-${b.day || ""}-${b.number}` }, t("not_followed_up"));
    boxes.push(alertBox("bad", key, t("bad_alert", { number: b.number, counter, label: gradeLabel(b.grade) }) + reason, link));
  }
  $("#alerts").replaceChildren(...boxes);
}

function renderDevices() {
  $("#devices-card").hidden = !view.devices.length;
  $("#devices").replaceChildren(...view.devices.map((d) => el("tr", {},
    el("td", {}, `${d.device} (${d.kind})`), el("td", {}, hhmm(d.last_seen)),
    el("td", {}, d.printer_online === null ? "—" : d.printer_online ? "✓" : "✗"), el("td", {}, d.paper || "—"))));
}

function renderAll() {
  if (!view) return;
  renderCounters();
  renderServices();
  renderWaiting();
  renderAlerts();
  renderDevices();
  document.body.dataset.lastSeq = String(view.seq);
}

function showConn(text) {
  $("#conn").hidden = !text;
  $("#conn").textContent = text || "";
}

const feed = siteSocket(SITE, {
  onSnapshot: () => load(),
  onEvent: (ev) => apply(ev),
  staffToken: TOKEN,
  onStatus: (s) => showConn(s === "open" ? "" : t("connecting")),
});
setInterval(() => view && renderWaiting(), 15000);
setInterval(() => load(), 60000);
window.hallLive = { feed, reload: load };
