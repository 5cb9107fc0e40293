// Phone page following one ticket: re-read it whenever the site's feed moves (debounced).
import { api } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { siteSocket } from "../lib/socket.js";
import { debounce } from "../lib/time.js";

const initial = readJSON("page-data");
const ID = document.body.dataset.ticket;
const FINAL = new Set(["done", "cancelled", "expired"]);
const initialKey = "";
let lastStatus = initialKey;
let finished = FINAL.has(initial.status);

// What the holder sees as the status, and what to do next, from the status and what happened
// to the ticket (a missed call put back, a transfer); never why it has priority.
function statusKey(tk) {
  if (tk.status === "waiting" && tk.requeued) return "status_requeued";
  if (tk.status === "waiting" && tk.transferred) return "status_transferred";
  return `status_${tk.status}`;
}

function note(tk, service) {
  if (tk.status === "waiting" && tk.requeued) return t("note_requeued");
  if (tk.status === "waiting" && tk.transferred) return t("note_transferred", { service });
  if (tk.status === "remote") return t("note_remote", { address: tk.site_address, time: (tk.arrive_by || "").slice(11, 16) });
  if (tk.status === "expired" && tk.source === "remote" && !tk.called_at) {
    return t("note_remote_expired", { time: (tk.arrive_by || "").slice(11, 16) });
  }
  if (tk.status === "no_show") return t("note_no_show", { list: tk.counters.join(t("list_sep")) });
  if (["cancelled", "expired", "done"].includes(tk.status)) return t(`note_${tk.status}`);
  return "";
}

function ahead(n) {
  if (n === 0) return t("ahead_none");
  return t(n === 1 ? "ahead_one" : "ahead_many", { n });
}

function render(tk) {
  document.body.className = `ticket-page status-${tk.status}${tk.requeued && tk.status === "waiting" ? " requeued" : ""}`;
  const service = LANG === "en" ? tk.service_name_en : tk.service_name;
  $("#t-number").textContent = tk.number;
  $("#t-service").textContent = service;
  $("#t-status").textContent = t(statusKey(tk));
  const waiting = tk.status === "waiting" || tk.status === "remote"; // a remote ticket holds its place: counted too
  if ($("#t-qr")) $("#t-qr").hidden = tk.status !== "remote";
  if ($("#row-arrive")) $("#row-arrive").hidden = tk.status !== "remote"; // checked in: no deadline left
  $("#row-ahead").hidden = !waiting;
  $("#row-wait").hidden = !waiting;
  $("#t-ahead").textContent = ahead(tk.people_ahead);
  $("#t-wait").textContent = tk.estimated_wait_minutes === null || tk.estimated_wait_minutes === undefined
    ? "—" : t("minutes", { n: tk.estimated_wait_minutes });
  const call = tk.counter && (tk.status === "called" || tk.status === "serving")
    ? t("call_sentence", { number: tk.number, counter: tk.counter.number }) : "";
  if ($("#t-call").textContent !== call) $("#t-call").textContent = call;
  $("#t-call").hidden = !call;
  const text = note(tk, service);
  $("#t-note").textContent = text;
  $("#t-note").hidden = !text;
  $("#t-hint").hidden = !["waiting", "called", "serving"].includes(tk.status);
  turnNear(tk);
  if (tk.status === "called" && lastStatus !== initialKey && !lastStatus.startsWith("called") && navigator.vibrate) navigator.vibrate([300, 150, 300]);
  // Screen readers hear each change of status (the call itself is announced by #t-call).
  const key = `${tk.status}:${tk.requeued}`;
  if (key !== lastStatus && lastStatus !== initialKey && !call) $("#t-live").textContent = t("status_now", { status: t(statusKey(tk)) });
  lastStatus = key;
}

// -- your turn is near: said at N ahead or fewer (policy.turn_near_ahead), a buzz once per ticket
function turnNear(tk) {
  const box = $("#t-near");
  const near = tk.status === "waiting" && tk.people_ahead <= Number(box.dataset.ahead);
  box.hidden = !near;
  if (!near) return;
  const key = `hall.near.${ID}`;
  try {
    if (localStorage.getItem(key)) return;
    localStorage.setItem(key, "1");
  } catch { /* private mode: buzz once per page instead */ }
  if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
}

// -- the least busy center: another open one offering the service, clearly faster counting the trip
// (GET /api/v1/district, core/least_busy.py); asked at most once a minute while waiting
let fasterAsked = 0;

async function faster(tk) {
  const box = $("#t-faster");
  if (tk.status !== "waiting" || tk.estimated_wait_minutes === null || tk.estimated_wait_minutes === undefined) {
    box.hidden = true;
    return;
  }
  if (Date.now() - fasterAsked < 60_000) return;
  fasterAsked = Date.now();
  try {
    const q = new URLSearchParams({ near: tk.site, service: tk.service, wait: String(tk.estimated_wait_minutes) });
    const hint = (await api("GET", `/api/v1/district?${q}`)).faster[tk.service];
    box.hidden = !hint;
    if (hint) {
      box.textContent = t("faster_elsewhere", { site: LANG === "en" ? hint.name_en || hint.name : hint.name,
        km: hint.distance_km, n: hint.waiting, wait: hint.estimated_wait_minutes, trip: hint.travel_minutes });
    }
  } catch { /* no hint this time */ }
}

// -- 好差评: once the ticket is done, the holder may rate the visit (once, nothing pre-selected)
let evaluationShown = false;

function evaluationForm(state) {
  const grades = state.grades.map((g) => el("label", { class: `ev-grade ev-grade-${g.grade}` },
    el("input", { type: "radio", name: "grade", value: g.grade }), el("span", {}, LANG === "en" ? g.label_en : g.label)));
  $("#ev-grades").replaceChildren(...grades);
  const reasons = state.reasons.map((r) => el("label", { class: "radio" },
    el("input", { type: "radio", name: "reason", value: r.code }), ` ${LANG === "en" ? r.label_en : r.label}`));
  $("#ev-reason-list").replaceChildren(...reasons);
  // 一事一评 (docs/matters.md): the rating is also that of the matters handled in this visit
  const matters = (state.matters || []).map((m) => `${m.code} ${LANG === "en" ? m.name_en : m.name}`);
  $("#ev-matters").textContent = matters.join(" · ");
  $("#ev-matters").hidden = matters.length === 0;
}

async function showEvaluation() {
  if (evaluationShown) return;
  evaluationShown = true;
  try {
    const state = await api("GET", `/api/v1/tickets/${encodeURIComponent(ID)}/evaluation`);
    if (!state.evaluable && !state.evaluated) return;
    $("#evaluate").hidden = false;
    $("#ev-form").hidden = !state.evaluable;
    $("#ev-already").hidden = state.evaluable;
    if (state.evaluable) evaluationForm(state);
  } catch {
    evaluationShown = false;
  }
}

function evError(text) {
  $("#ev-error").textContent = text || "";
  $("#ev-error").hidden = !text;
}

$("#ev-form").addEventListener("change", (ev) => {
  if (ev.target.name === "grade") $("#ev-reasons").hidden = Number(ev.target.value) > 2;
});
$("#ev-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const grade = Number(form.get("grade"));
  const reason = form.get("reason") || null;
  const comment = String(form.get("comment") || "").trim() || null;
  if (!grade) return evError(ev.target.dataset.needGrade);
  if (grade <= 2 && ((!reason && !comment) || (reason === "other" && !comment))) return evError(ev.target.dataset.needReason);
  evError("");
  try {
    await api("POST", `/api/v1/tickets/${encodeURIComponent(ID)}/evaluation`,
      { body: { grade, reason: grade <= 2 ? reason : null, comment } });
    $("#ev-form").hidden = true;
    $("#ev-done").hidden = false;
  } catch (e) {
    if (e.code === "already_evaluated") {
      $("#ev-form").hidden = true;
      $("#ev-already").hidden = false;
    } else evError(e.message);
  }
});

async function refresh() {
  try {
    const tk = await api("GET", `/api/v1/tickets/${encodeURIComponent(ID)}`);
    render(tk);
    faster(tk);
    $("#conn").textContent = "";
    if (tk.status === "done") showEvaluation();
    if (FINAL.has(tk.status)) {
      finished = true;
      feed.disconnect();
    }
  } catch (e) {
    $("#conn").textContent = e.message;
  }
}

const refreshSoon = debounce(refresh, 500);
render(initial);
faster(initial);
const feed = siteSocket(initial.site, {
  onSnapshot: refreshSoon,
  onEvent: refreshSoon,
  onStatus: (s) => { $("#conn").textContent = s === "open" || finished ? "" : t("connecting"); },
});
if (FINAL.has(initial.status)) feed.disconnect();
if (initial.status === "done") showEvaluation();
