// Clerk's counter page: every action of SPEC 4 as a button and a keyboard shortcut, the
// waiting list, and help requests from kiosks. Talks to the JSON API with the clerk's token.
import { $, $$, api, el, formatTime, LANG, pickLang, readJSON, siteSocket, t, throttle } from "./common.js";

const page = readJSON("page-data");
const COUNTER = page.counter;
const TOKEN = document.querySelector('meta[name="api-token"]').content;
const BASE = `/api/v1/counters/${encodeURIComponent(COUNTER)}`;
const serviceNames = new Map((page.services || []).map((s) => [s.id, LANG === "en" ? s.name_en || s.name : s.name]));

const state = { counter: null, ticket: null, busy: false, last: null };

const KEYS = {
  n: "call-next", " ": "call-next", r: "recall", s: "start", d: "done", x: "no-show",
  t: "transfer", p: "pause", u: "resume", i: "reinstate", q: "close",
};
const DIALOGS = { transfer: "#dlg-transfer", pause: "#dlg-pause", reinstate: "#dlg-reinstate" };

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
  else {
    if (res.ticket && action && action !== "call-next") state.last = res.ticket;
    state.ticket = null;
  }
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
  else if (state.last) $("#t-status").textContent = t("last_ticket", { number: state.last.number, status: statusText(state.last.status) });
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
    case "reinstate": return true;
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
}

// -- help requests from kiosks ---------------------------------------------------------
function helpBanner(data) {
  const who = data.kiosk_name || data.kiosk || t("kiosk");
  const box = el("div", { class: "help-banner", role: "alert" },
    el("span", { text: t("help_banner", { kiosk: who }) }),
    el("button", { type: "button", class: "button", text: t("dismiss") }));
  box.querySelector("button").addEventListener("click", () => box.remove());
  $("#help-banners").append(box);
  setTimeout(() => box.remove(), 5 * 60 * 1000);
}

// -- dialogs ---------------------------------------------------------------------------
function openDialog(name) {
  const dlg = $(DIALOGS[name]);
  dlg.querySelector("form").reset();
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
    const number = f.number.value.trim().toUpperCase();
    if (!/^[A-Z]\d{1,5}$/.test(number)) {
      message(t("enter_number"));
      return;
    }
    $("#dlg-reinstate").close();
    if (await act("reinstate", { number, position: f.position.value })) refreshSoon();
  });
}

// -- actions ---------------------------------------------------------------------------
async function run(action) {
  if (!allowed(action)) return;
  if (DIALOGS[action]) {
    openDialog(action);
    return;
  }
  const res = await act(action);
  if (action === "close" && res) location.href = "/counter";
  else if (res) refreshSoon();
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
  onSnapshot: refreshSoon,
  onEvent: (ev, { replay }) => {
    if (ev.type === "help.requested" && !replay) helpBanner(ev.data || {});
    refreshSoon();
  },
});

(async () => {
  await act("open");
  await refresh();
})();
