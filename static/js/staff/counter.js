// Clerk's counter page: every action of SPEC 4 as a button and a keyboard shortcut, the
// waiting list, and help requests from kiosks. Talks to the JSON API with the clerk's token.
import { api, staffToken } from "../lib/api.js";
import { $, $$, el, readJSON } from "../lib/dom.js";
import { formatTime, LANG, pickLang, t } from "../lib/i18n.js";
import { siteSocket } from "../lib/socket.js";
import { throttle } from "../lib/time.js";
import { helpDesk } from "./help_desk.js";
import { EVENTS } from "../events.js";

const page = readJSON("page-data");
const COUNTER = page.counter;
const TOKEN = staffToken();
const BASE = `/api/v1/counters/${encodeURIComponent(COUNTER)}`;
const serviceNames = new Map((page.services || []).map((s) => [s.id, LANG === "en" ? s.name_en || s.name : s.name]));

const state = { counter: null, ticket: null, busy: false, last: null, reinstatable: [] };

const HELP_EVENTS = [EVENTS.HELP_REQUESTED, EVENTS.HELP_CLAIMED, EVENTS.HELP_CLOSED];

const KEYS = {
  n: "call-next", " ": "call-next", r: "recall", s: "start", d: "done", x: "no-show",
  t: "transfer", p: "pause", u: "resume", i: "reinstate", q: "close",
};
const DIALOGS = { transfer: "#dlg-transfer", pause: "#dlg-pause", reinstate: "#dlg-reinstate", close: "#dlg-close" };

// -- talking to the API ----------------------------------------------------------------
function message(text, kind = "error") {
  const m = $("#message");
  m.textContent = text || "";
  m.className = `message ${kind}`;
}

async function act(action, body = {}) {
  if (state.busy) return null;
  state.busy = true;
  updateButtons();
  try {
    const res = await api("POST", `${BASE}/${action}`, { token: TOKEN, body });
    message("");
    apply(res, action);
    return res;
  } catch (e) {
    message(e.status === 401 ? t("sign_in_again") : e.message);
    if (e.status === 401) setTimeout(() => { location.href = `/counter?next=${encodeURIComponent(location.pathname)}`; }, 2500);
    return null;
  } finally {
    state.busy = false;
    updateButtons();
  }
}

function apply(res, action) {
  state.counter = res.counter;
  const current = res.counter && res.counter.current;
  if (res.ticket && current && res.ticket.id === current.id) state.ticket = res.ticket;
  else if (current) state.ticket = { ...current, ...(state.ticket && state.ticket.id === current.id ? state.ticket : {}) };
  else state.ticket = null;
  // the last ticket and what can be reinstated are the server's truth (core/queue/counters.py)
  if ("last" in res) state.last = res.last;
  if (res.reinstatable) state.reinstatable = res.reinstatable;
  if (action === "call-next") $("#reason").textContent = pickLang(res.reason || "");
  else if (action) $("#reason").textContent = "";
  if (res.waiting) renderQueue(res.waiting);
  render();
}

async function refresh() {
  try {
    const res = await api("GET", BASE, { token: TOKEN });
    apply(res, null);
  } catch (e) {
    if (e.status === 401) message(t("sign_in_again"));
  }
}
const refreshSoon = throttle(refresh, 1000);

// -- rendering -------------------------------------------------------------------------
function statusText(status) {
  return t(`status_${status}`);
}

function lastText(last) {
  if (last.status === "waiting" && last.requeued) return t("last_requeued", { number: last.number });
  if (last.reinstatable) return t("last_voided", { number: last.number });
  return t("last_ticket", { number: last.number, status: statusText(last.status) });
}

function render() {
  const c = state.counter;
  const pill = $("#counter-state");
  if (c) {
    pill.textContent = t(`state_${c.state}`);
    pill.className = `pill state-${c.state}`;
  }
  const tk = state.ticket;
  $("#t-number").textContent = tk ? tk.number : "—";
  $("#t-service").textContent = tk ? serviceNames.get(tk.service) || tk.service : "—";
  $("#t-priority").textContent = tk && tk.priority ? t(`priority_${tk.priority}`) : "—";
  $("#t-id").textContent = (tk && tk.id_masked) || "—";
  $("#t-called").textContent = tk && tk.called_at ? formatTime(new Date(tk.called_at), true) : "—";
  if (tk) $("#t-status").textContent = statusText(tk.status) + (tk.recalls ? ` (${tk.recalls}×)` : "");
  else if (state.last) $("#t-status").textContent = lastText(state.last);
  else $("#t-status").textContent = t("no_ticket");
  document.body.dataset.state = c ? c.state : "";
  document.body.dataset.ticketStatus = tk ? tk.status : "";
  updateButtons();
}

function allowed(action) {
  const c = state.counter;
  if (!c || state.busy || c.state === "closed") return false;
  const status = state.ticket ? state.ticket.status : null;
  switch (action) {
    case "call-next": return c.state === "open" && !status;
    case "recall": case "no-show": case "start": return status === "called";
    case "done": case "transfer": return status === "called" || status === "serving";
    case "pause": return c.state === "open" && !status;
    case "resume": return c.state === "paused";
    case "reinstate": return state.reinstatable.length > 0;
    case "close": return !status;
    default: return false;
  }
}

function updateButtons() {
  for (const b of $$(".act")) b.disabled = !allowed(b.dataset.action);
}

function renderQueue(waiting) {
  $("#queue-count").textContent = waiting.length ? `(${waiting.length})` : "";
  $("#queue-empty").hidden = waiting.length > 0;
  $("#queue").replaceChildren(...waiting.map((w) => el("tr", { class: w.priority !== "normal" ? "prio" : "" },
    el("td", { class: "q-number", text: w.number }),
    el("td", { text: serviceNames.get(w.service) || w.service }),
    el("td", { text: (w.priority === "normal" ? "" : t(`priority_${w.priority}`)) + (w.front ? ` ${t("front")}` : "") }),
    el("td", { text: t("waited_min", { n: w.waited_minutes }) }))));
  fitQueue();
}

// The counter's screen does not scroll: the list shows the rows that fit and says how many more wait.
function fitQueue() {
  const rows = $$("#queue tr");
  for (const r of rows) r.hidden = false;
  const more = $("#queue-more");
  more.hidden = true;
  const limit = window.innerHeight - 80; // the "more" line and the card's padding
  let shown = rows.length;
  while (shown > 0 && rows[shown - 1].getBoundingClientRect().bottom > limit) shown -= 1;
  for (const r of rows.slice(shown)) r.hidden = true;
  more.hidden = shown === rows.length;
  more.textContent = t("more_waiting", { n: rows.length - shown });
}
window.addEventListener("resize", fitQueue);

// -- help requests from kiosks: claimed by one, seen by all (help_desk.js) -----
const help = helpDesk($("#help-desk"), { site: page.site, token: TOKEN, live: $("#help-live") });

function fillReinstate() {
  const sel = $("#reinstate-number");
  const preferred = state.last && state.last.reinstatable ? state.last.number : state.reinstatable[0];
  sel.replaceChildren(...state.reinstatable.map((n) => el("option", { value: n, selected: n === preferred }, n)));
}

// -- dialogs ---------------------------------------------------------------------------
function openDialog(name) {
  const dlg = $(DIALOGS[name]);
  dlg.querySelector("form").reset();
  if (name === "reinstate") fillReinstate();
  dlg.showModal();
  const first = dlg.querySelector("input[name=number], select, input");
  if (first) first.focus();
}

function wireDialogs() {
  for (const dlg of $$("dialog")) {
    for (const b of $$("[data-close]", dlg)) b.addEventListener("click", () => dlg.close());
  }
  $("#form-transfer").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const body = { position: f.position.value };
    if (f.kind.value === "counter") body.counter = f.counter.value;
    else body.service = f.service.value;
    $("#dlg-transfer").close();
    await act("transfer", body);
  });
  $("#form-pause").addEventListener("submit", async (e) => {
    e.preventDefault();
    const reason = e.target.elements.reason.value;
    $("#dlg-pause").close();
    await act("pause", { reason });
  });
  $("#form-reinstate").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const number = f.number.value;
    $("#dlg-reinstate").close();
    if (await act("reinstate", { number, position: f.position.value })) refreshSoon();
  });
  $("#form-close").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("#dlg-close").close();
    if (await act("close")) location.href = "/counter";
  });
}

// -- actions ---------------------------------------------------------------------------
async function run(action) {
  if (!allowed(action)) return;
  if (DIALOGS[action]) {
    openDialog(action);
    return;
  }
  if (await act(action)) refreshSoon();
}

function onKey(e) {
  if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
  if (document.querySelector("dialog[open]")) return;
  const target = e.target;
  if (target && (target.closest("input, select, textarea") || (e.key === " " && target.closest("button, a")))) return;
  const action = KEYS[e.key.toLowerCase()];
  if (!action) return;
  e.preventDefault();
  run(action);
}

for (const b of $$(".act")) b.addEventListener("click", () => run(b.dataset.action));
document.addEventListener("keydown", onKey);
wireDialogs();

siteSocket(page.site, {
  onSnapshot: () => { help.load(); refreshSoon(); },
  onEvent: (ev) => {
    if (HELP_EVENTS.includes(ev.type)) help.apply(ev);
    else refreshSoon();
  },
  staffToken: TOKEN,
});

(async () => {
  await act("open");
  await refresh();
})();
