// Kiosk: choose a service, optionally give an ID number and a green-channel class, take a
// number, show the ticket with a QR code; back to the start after 60 s.
import { $, $$, api, el, LANG, readJSON, runClock, siteSocket, t, throttle } from "./common.js";

const page = readJSON("page-data");
const SITE = page.site;
const KIOSK = page.kiosk;
const TOKEN_KEY = `kiosk-token:${KIOSK}`;
const RESULT_SECONDS = 60;
const IDLE_SECONDS = 90;
const ELDER_PAGE_SIZE = 4;

const state = {
  services: page.services || [],
  open: page.open_now,
  elder: false,
  pageIndex: 0,
  chosen: null,
  priority: "normal",
  countdown: 0,
  countdownTimer: null,
  idleTimer: null,
  busy: false,
};

// -- device token: arrives once in the URL fragment, then lives in localStorage ------------
function captureToken() {
  const m = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (m) {
    try {
      localStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    } catch { /* private mode: the token is kept for this page only */ }
    window.kioskToken = decodeURIComponent(m[1]);
    history.replaceState(null, "", location.pathname + location.search);
  }
}
function token() {
  try {
    return localStorage.getItem(TOKEN_KEY) || window.kioskToken || "";
  } catch {
    return window.kioskToken || "";
  }
}

// -- messages --------------------------------------------------------------------------
let messageTimer = null;
function showMessage(text, kind = "error") {
  const box = $("#message");
  box.textContent = text;
  box.className = `kiosk-message ${kind === "info" ? "info" : ""}`;
  box.hidden = !text;
  clearTimeout(messageTimer);
  if (text) messageTimer = setTimeout(() => { box.hidden = true; }, 12000);
}

// -- screens ---------------------------------------------------------------------------
function show(name) {
  for (const s of $$(".screen")) s.hidden = s.id !== `screen-${name}`;
  state.screen = name;
  resetIdle();
}

function clearDetails() {
  state.chosen = null;
  state.priority = "normal";
  $("#id-number").value = "";
  $("#id-error").textContent = "";
  for (const b of $$(".prio")) b.setAttribute("aria-pressed", "false");
}

/** The next resident starts from a clean first screen (elder mode off). */
function startOver() {
  clearInterval(state.countdownTimer);
  clearDetails();
  state.pageIndex = 0;
  setElder(false);
  showMessage("");
  show(state.open ? "services" : "closed");
  refresh();
}

function backToServices() {
  clearDetails();
  show(state.open ? "services" : "closed");
  renderServices();
}

function resetIdle() {
  clearTimeout(state.idleTimer);
  if (state.screen === "details") state.idleTimer = setTimeout(startOver, IDLE_SECONDS * 1000);
}

// -- service choice --------------------------------------------------------------------
const serviceName = (s) => (LANG === "en" ? s.name_en || s.name : s.name);
const serviceSub = (s) => (LANG === "en" ? s.name : s.name_en);

function serviceButton(s) {
  let meta;
  if (!s.walk_in) meta = t("appointment_only");
  else {
    meta = t("waiting_n", { n: s.waiting });
    if (s.estimated_wait_minutes !== null && s.estimated_wait_minutes !== undefined) {
      meta += ` · ${t("wait_about", { n: s.estimated_wait_minutes })}`;
    }
  }
  return el("button", { type: "button", class: "service", dataset: { service: s.id }, disabled: !s.walk_in,
    "aria-disabled": s.walk_in ? null : "true" },
  el("span", { class: "service-name", text: serviceName(s) }),
  el("span", { class: "service-sub", text: serviceSub(s) }),
  el("span", { class: "service-meta", text: meta }));
}

function renderServices() {
  const grid = $("#services");
  const size = state.elder ? ELDER_PAGE_SIZE : state.services.length || 1;
  const pages = Math.max(1, Math.ceil(state.services.length / size));
  state.pageIndex = Math.min(state.pageIndex, pages - 1);
  const shown = state.services.slice(state.pageIndex * size, (state.pageIndex + 1) * size);
  grid.replaceChildren(...shown.map(serviceButton));
  $("#pager").hidden = pages <= 1;
  $("#page-info").textContent = t("page_of", { page: state.pageIndex + 1, pages });
  $("#page-prev").disabled = state.pageIndex === 0;
  $("#page-next").disabled = state.pageIndex >= pages - 1;
}

function setElder(on) {
  state.elder = on;
  document.body.classList.toggle("elder", on);
  $("#elder-toggle").setAttribute("aria-pressed", on ? "true" : "false");
  state.pageIndex = 0;
  renderServices();
}

async function refresh() {
  try {
    const detail = await api("GET", `/api/v1/sites/${encodeURIComponent(SITE)}`);
    state.services = detail.services;
    const wasOpen = state.open;
    state.open = detail.open_now;
    if (state.screen === "services" || state.screen === "closed") {
      renderServices();
      if (wasOpen !== state.open) show(state.open ? "services" : "closed");
    }
  } catch { /* keep what is shown; the next event or tick retries */ }
}
const refreshSoon = throttle(refresh, 2000);

// -- ID number -------------------------------------------------------------------------
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
export function validId(id) {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return "10X98765432"[sum % 11] === id[17];
}

function idInput(key) {
  const input = $("#id-number");
  if (key === "back") input.value = input.value.slice(0, -1);
  else if (input.value.length < 18) input.value += key;
  $("#id-error").textContent = "";
  resetIdle();
}

function chooseService(id) {
  const s = state.services.find((x) => x.id === id);
  if (!s || !s.walk_in) return;
  state.chosen = s;
  $("#details-title").textContent = serviceName(s);
  $("#id-label").textContent = s.real_name ? t("id_required") : t("id_optional");
  show("details");
  $("#id-number").focus();
}

// -- taking a number -------------------------------------------------------------------
async function take() {
  if (state.busy || !state.chosen) return;
  const id = $("#id-number").value.trim().toUpperCase();
  if (id && !validId(id)) {
    $("#id-error").textContent = t("id_invalid");
    return;
  }
  if (!id && state.chosen.real_name) {
    $("#id-error").textContent = t("id_needed");
    return;
  }
  if (!token()) {
    showMessage(t("no_token"));
    return;
  }
  const body = { service: state.chosen.id, priority: state.priority };
  if (id) body.id_number = id;
  state.busy = true;
  $("#take").disabled = true;
  try {
    const ticket = await api("POST", `/api/v1/sites/${encodeURIComponent(SITE)}/tickets`, { token: token(), body });
    showResult(ticket);
  } catch (e) {
    showMessage(e.message);
    if (e.code === "invalid_id_number") $("#id-error").textContent = e.message;
    if (e.code === "site_closed") { state.open = false; startOver(); showMessage(e.message); }
  } finally {
    state.busy = false;
    $("#take").disabled = false;
  }
}

function showResult(ticket) {
  $("#r-number").textContent = ticket.number;
  $("#r-service").textContent = LANG === "en" ? ticket.service_name_en : ticket.service_name;
  $("#r-ahead").textContent = t("people_ahead", { n: ticket.people_ahead });
  $("#r-wait").textContent = ticket.estimated_wait_minutes === null || ticket.estimated_wait_minutes === undefined
    ? t("no_estimate") : t("minutes", { n: ticket.estimated_wait_minutes });
  $("#r-counters").textContent = t("counters_list", { list: (ticket.counters || []).join(t("list_sep")) });
  const existing = $("#r-existing");
  existing.hidden = !ticket.existing;
  existing.textContent = ticket.existing ? t("existing") : "";
  const prio = $("#r-priority");
  prio.hidden = !ticket.priority || ticket.priority === "normal";
  prio.textContent = prio.hidden ? "" : t(`priority_${ticket.priority}`);
  $("#r-id-row").hidden = !ticket.id_masked;
  $("#r-id").textContent = ticket.id_masked || "";
  const qr = $("#r-qr");
  qr.alt = t("qr_alt");
  qr.src = `/qr.svg?data=${encodeURIComponent(ticket.track_url)}`;
  show("result");
  startCountdown(RESULT_SECONDS);
  refreshSoon();
}

function startCountdown(seconds) {
  clearInterval(state.countdownTimer);
  state.countdown = seconds;
  $("#r-countdown").textContent = String(seconds);
  state.countdownTimer = setInterval(() => {
    state.countdown -= 1;
    $("#r-countdown").textContent = String(Math.max(0, state.countdown));
    if (state.countdown <= 0) startOver();
  }, 1000);
}

// -- help ------------------------------------------------------------------------------
async function callHelp() {
  if (!token()) {
    showMessage(t("no_token"));
    return;
  }
  const btn = $("#help");
  btn.disabled = true;
  try {
    await api("POST", `/api/v1/sites/${encodeURIComponent(SITE)}/help`, { token: token(), body: { kiosk: KIOSK } });
    $("#help-status").textContent = t("help_sent");
    setTimeout(() => { $("#help-status").textContent = ""; }, 60000);
  } catch (e) {
    showMessage(e.message);
  } finally {
    setTimeout(() => { btn.disabled = false; }, 5000);
  }
}

// -- wiring ----------------------------------------------------------------------------
function wire() {
  $("#services").addEventListener("click", (e) => {
    const b = e.target.closest(".service");
    if (b && !b.disabled) chooseService(b.dataset.service);
  });
  $("#page-prev").addEventListener("click", () => { state.pageIndex -= 1; renderServices(); });
  $("#page-next").addEventListener("click", () => { state.pageIndex += 1; renderServices(); });
  $("#elder-toggle").addEventListener("click", () => setElder(!state.elder));
  for (const key of $$(".key")) key.addEventListener("click", () => idInput(key.dataset.key));
  for (const b of $$(".prio")) {
    b.addEventListener("click", () => {
      const on = b.getAttribute("aria-pressed") !== "true";
      for (const o of $$(".prio")) o.setAttribute("aria-pressed", "false");
      b.setAttribute("aria-pressed", on ? "true" : "false");
      state.priority = on ? b.dataset.priority : "normal";
      resetIdle();
    });
  }
  const input = $("#id-number");
  input.addEventListener("input", () => {
    input.value = input.value.toUpperCase().replace(/[^0-9X]/g, "").slice(0, 18);
    $("#id-error").textContent = "";
    resetIdle();
  });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") take(); });
  $("#back").addEventListener("click", backToServices);
  $("#take").addEventListener("click", take);
  $("#finish").addEventListener("click", startOver);
  $("#more-time").addEventListener("click", () => startCountdown(RESULT_SECONDS));
  $("#help").addEventListener("click", callHelp);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.screen !== "services") startOver();
  });
}

captureToken();
wire();
runClock($("#clock"), false);
show(state.open ? "services" : "closed");
renderServices();
siteSocket(SITE, { onSnapshot: refreshSoon, onEvent: refreshSoon });
setInterval(refresh, 60000);
