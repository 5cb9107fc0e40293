// Kiosk: choose a service, optionally give an ID number and a green-channel class, take a
// number, show the ticket with a QR code; back to the start after 60 s. Where the site takes
// bookings, residents also check in for their appointment here (code or ID number, every
// party in turn) and get the same ticket screen.
//
// Elder mode (长辈模式, docs/accessibility.md): larger type, at most four choices a screen,
// twice the time (and a 60 s countdown with "more time" before any timeout), and each step
// spoken by the server's offline voice (/api/v1/voice/guide/<key>.wav, fixed sentences).
import { $, $$, api, el, LANG, readJSON, runClock, siteSocket, t, throttle } from "./common.js";
import { checkin } from "./kiosk_checkin.js";
import { deviceLink } from "./kiosk_devices.js";
import { info } from "./kiosk_info.js";

const page = readJSON("page-data");
const SITE = page.site;
const KIOSK = page.kiosk;
const TOKEN_KEY = `kiosk-token:${KIOSK}`;
const RESULT_SECONDS = 60;
const IDLE_SECONDS = 90; // no touch for this long on a form screen: back to the start...
const WARN_SECONDS = 60; // ...after a countdown of this long with "more time"
const ELDER_FACTOR = 2; // elder mode: twice the time everywhere
const MESSAGE_SECONDS = 12;
const ELDER_CHOICES = 4; // choices per screen in elder mode (check-in, guide and nearby are on the first screen)
const CHECKIN = Boolean(page.checkin);
const CODE_RE = new RegExp(`^[${page.code_keys || ""}]{8}$`);

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
  idleCountdown: null,
  busy: false,
  // appointment check-in: the booking found so far and who still has to check in
  ci: { mode: "code", code: null, pending: [] },
  // devices (kiosk agent): the card read (a one-time token), the agent's state, the print job
  card: null,
  agent: null,
  job: null,
  jobTimer: null,
};
const ci = checkin({ state, page, SITE, CODE_RE, resetIdle, guide, clearDetails, showMessage, show, validCard, validId,
  token, clearCard, showResult, chooseService, backToServices, callHelp, readerOk });
const more = info({ state, page, SITE, show, guide, chooseService, printGuide, backToStart: () => backToServices() });
const DS = readJSON("device-strings");
function ds(key, vars = {}) {
  let s = DS[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.split(`%(${k})s`).join(String(v));
  return s;
}

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
  const seconds = MESSAGE_SECONDS * (state.elder ? 5 : 1);
  if (text) messageTimer = setTimeout(() => { box.hidden = true; }, seconds * 1000);
}

// -- voice guidance (elder mode) ------------------------------------------------------------
// The screen shows (#guide-line) exactly the sentence the voice speaks: both come from
// web/pages/guide.py, the page's copy in #guide-strings, the voice from /api/v1/voice/guide/<key>.wav.
const GUIDES = readJSON("guide-strings");
let guideAudio = null;
let lastGuide = null;

/** The sentence of ``key`` as shown and spoken, led by the ticket number on the result screen. */
function guideText(key, number = null) {
  const lead = number ? GUIDES._number.split("%(number)s").join(number) + GUIDES._join : "";
  return lead + (GUIDES[key] || "");
}

/** Show and speak one of the fixed guidance sentences, in elder mode only; a new one cuts the last short. */
function guide(key, number = null) {
  if (!state.elder || !GUIDES[key]) return;
  lastGuide = [key, number];
  document.body.dataset.guide = key;
  $("#guide-line").textContent = guideText(key, number);
  if (guideAudio) guideAudio.pause();
  const q = new URLSearchParams({ lang: LANG });
  if (number) q.set("number", number);
  guideAudio = new Audio(`/api/v1/voice/guide/${key}.wav?${q}`);
  guideAudio.play().catch(() => { /* no sound: every sentence is also on the screen */ });
}

/** Whether the card reader can be used now (the agent says it is there). */
function readerOk() {
  const a = state.agent;
  return Boolean(a && a.online && a.reader !== false && a.reader !== null);
}

/** The guidance of a screen in its current state. */
function screenGuide(name) {
  if (name === "services") return state.picking ? "services" : "start";
  if (name === "details") return readerOk() ? "details" : "details_typing";
  if (name === "guide") return "guide";
  return { priority: "priority", checkin: "checkin", closed: "closed", nearby: "nearby" }[name] || null;
}

// -- screens ---------------------------------------------------------------------------
function show(name) {
  const hadFocus = document.activeElement && document.activeElement !== document.body;
  for (const s of $$(".screen")) s.hidden = s.id !== `screen-${name}`;
  state.screen = name;
  resetIdle();
  // Keyboard and screen-reader users land on the new screen's heading, not on a hidden button.
  const active = document.activeElement;
  if (hadFocus && (!active || active === document.body || active.closest("[hidden]"))) {
    const heading = $(`#screen-${name} h1`);
    if (heading) heading.focus();
  }
  document.body.dataset.screen = name;
  const key = screenGuide(name);
  if (key) guide(key);
}

function clearDetails() {
  state.chosen = null;
  setPriority("normal");
  $("#id-number").value = "";
  $("#id-error").textContent = "";
}

/** The green-channel class: the toggles of the details screen and elder mode's own screen agree. */
function setPriority(priority) {
  state.priority = priority;
  for (const b of $$(".prio, .prio-choice[aria-pressed]")) {
    b.setAttribute("aria-pressed", b.dataset.priority === priority ? "true" : "false");
  }
  $("#priority-chosen").textContent = priority === "normal" ? "" : `✓ ${t(`priority_${priority}`)}`;
}

/** The next resident starts from a clean first screen: Chinese, elder mode off, nothing typed. */
function startOver() {
  if (LANG !== "zh" || location.search) { // the last resident's language goes with them
    location.replace(location.pathname);
    return;
  }
  clearInterval(state.countdownTimer);
  closeIdleWarning();
  clearCard();
  clearDetails();
  if (CHECKIN) ci.reset();
  state.pageIndex = 0;
  state.picking = false;
  setElder(false);
  showMessage("");
  $("#help-status").textContent = ""; // the last resident's call for help is not the next one's
  show(firstScreen());
  refresh();
}

/** Unauthorised (no or a refused device token) before anything else: said at load, not after typing. */
function firstScreen() {
  if (state.unauthorised) return "unauthorised";
  return state.open ? "services" : "closed";
}

function unauthorised() {
  state.unauthorised = true;
  document.body.dataset.auth = "none";
  closeIdleWarning();
  show("unauthorised");
}

function backToServices() {
  clearDetails();
  show(firstScreen());
  renderServices();
}

/** Elder mode: the first screen offers what to do; "take a number" then shows the services. */
function setPicking(on) {
  state.picking = on;
  state.pageIndex = 0;
  $("#screen-services").classList.toggle("picking", on);
  renderServices();
  show("services");
}

const seconds = (n) => n * (state.elder ? ELDER_FACTOR : 1);

/** On a form screen, a resident who stops touching is asked "more time?" before the kiosk starts over. */
function resetIdle() {
  clearTimeout(state.idleTimer);
  if (!["details", "checkin", "priority"].includes(state.screen)) return;
  state.idleTimer = setTimeout(showIdleWarning, (seconds(IDLE_SECONDS) - WARN_SECONDS) * 1000);
}

function showIdleWarning() {
  const dialog = $("#idle-dialog");
  let left = WARN_SECONDS;
  $("#idle-countdown").textContent = String(left);
  if (!dialog.open) dialog.showModal();
  $("#idle-more").focus();
  guide("timeout");
  clearInterval(state.idleCountdown);
  state.idleCountdown = setInterval(() => {
    left -= 1;
    $("#idle-countdown").textContent = String(Math.max(0, left));
    if (left <= 0) startOver();
  }, 1000);
}

function closeIdleWarning() {
  clearInterval(state.idleCountdown);
  const dialog = $("#idle-dialog");
  if (dialog.open) dialog.close();
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
  el("span", { class: "service-sub", lang: LANG === "en" ? "zh-CN" : "en", text: serviceSub(s) }),
  el("span", { class: "service-meta", text: meta }));
}

/** Elder mode: walk-in services only, at most four tiles with check-in and "more services". */
function renderElderServices(grid) {
  const items = state.services.filter((s) => s.walk_in);
  const slots = ELDER_CHOICES;
  const paged = items.length > slots;
  const size = paged ? slots - 1 : slots;
  const pages = Math.max(1, Math.ceil(items.length / size));
  state.pageIndex %= pages;
  const tiles = items.slice(state.pageIndex * size, (state.pageIndex + 1) * size).map(serviceButton);
  if (paged) {
    tiles.push(el("button", { type: "button", class: "service more", id: "more-services" },
      el("span", { class: "service-name", text: t("more_services") }),
      el("span", { class: "service-meta", text: t("page_of", { page: state.pageIndex + 1, pages }) })));
  }
  grid.replaceChildren(...tiles);
  $("#pager").hidden = true;
}

function renderServices() {
  const grid = $("#services");
  if (state.elder) {
    renderElderServices(grid);
    return;
  }
  const size = state.services.length || 1;
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
  const was = state.elder;
  state.elder = on;
  state.picking = false;
  $("#screen-services").classList.remove("picking");
  $("#guide-line").textContent = "";
  document.body.classList.toggle("elder", on);
  document.documentElement.classList.toggle("elder", on);
  state.pageIndex = 0;
  renderServices();
  if (on && !was) guide("elder");
  if (!on && guideAudio) guideAudio.pause();
  resetIdle();
}

async function refresh() {
  try {
    const detail = await api("GET", `/api/v1/sites/${encodeURIComponent(SITE)}`);
    state.services = detail.services;
    const wasOpen = state.open;
    state.open = detail.open_now;
    if (state.screen === "services" || state.screen === "closed") {
      renderServices();
      if (wasOpen !== state.open) show(firstScreen());
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

/** A key of an on-screen keypad, typed into the keypad's target input. */
function keyInput(target, key) {
  const input = document.getElementById(target);
  if (!input) return;
  if (key === "back") input.value = input.value.slice(0, -1);
  else if (input.value.length < input.maxLength) input.value += key;
  for (const err of $$(".field-error", input.closest(".screen"))) err.textContent = "";
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
  const card = id ? null : validCard();
  if (!id && !card && state.chosen.real_name) {
    $("#id-error").textContent = t("id_needed");
    return;
  }
  if (!token()) {
    showMessage(t("no_token"));
    return;
  }
  const body = { service: state.chosen.id, priority: state.priority };
  if (id) body.id_number = id;
  else if (card) body.card = card.token;
  state.busy = true;
  $("#take").disabled = true;
  try {
    const ticket = await api("POST", `/api/v1/sites/${encodeURIComponent(SITE)}/tickets`, { token: token(), body });
    if (card) clearCard();
    showResult(ticket);
  } catch (e) {
    if (e.status === 401 || e.status === 403) { unauthorised(); return; }
    showMessage(e.code === "card_expired" ? ds("card_expired") : e.message);
    if (e.code === "card_expired") clearCard();
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
  const prio = $("#r-priority"); // green channel, or "appointment" after a check-in
  prio.hidden = !ticket.priority || ticket.priority === "normal";
  prio.textContent = prio.hidden ? "" : t(`priority_${ticket.priority}`);
  $("#r-id-row").hidden = !ticket.id_masked;
  $("#r-id").textContent = ticket.id_masked || "";
  const qr = $("#r-qr");
  qr.alt = t("qr_alt");
  qr.src = `/qr.svg?data=${encodeURIComponent(ticket.track_url)}`;
  state.number = ticket.number;
  show("result");
  startCountdown(seconds(RESULT_SECONDS));
  showPrint(ticket.print);
  refreshSoon();
}

// -- printing at the kiosk: a slip, or the mobile ticket when the printer cannot --------------
const RESULT_GUIDE = { none: "result_shown", printing: "result_printing", printed: "result_printed",
  fallback: "result_fallback" };

function printStatus(kind, text) {
  document.body.dataset.print = kind;
  guide(RESULT_GUIDE[kind], state.number);
  $("#r-print").textContent = text;
  $("#r-print").hidden = !text;
  $("#r-fallback").hidden = kind !== "fallback";
  $("#screen-result").classList.toggle("fallback", kind === "fallback");
}

function showPrint(job) {
  clearTimeout(state.jobTimer);
  state.job = null;
  if (!job) { printStatus("none", ""); return; }
  if (job.status !== "sent") { printFallback(); return; }
  state.job = job.job;
  printStatus("printing", ds("printing"));
  state.jobTimer = setTimeout(printFallback, 20000); // the server gives up after 15 s and says so
  const early = earlyPrints.get(job.job); // the agent may answer before the HTTP response arrives
  if (early) onPrint(early);
}

const earlyPrints = new Map();

function printFallback() {
  clearTimeout(state.jobTimer);
  state.job = null;
  printStatus("fallback", "");
  startCountdown(seconds(RESULT_SECONDS) * 2); // time to scan the code or note the number
}

function onPrint(msg) {
  if (msg.job === null || msg.job === undefined) return;
  if (msg.job !== state.job) {
    earlyPrints.set(msg.job, msg);
    if (earlyPrints.size > 20) earlyPrints.delete(earlyPrints.keys().next().value);
    return;
  }
  clearTimeout(state.jobTimer);
  state.job = null;
  if (msg.status === "printed") printStatus("printed", ds("printed"));
  else printFallback();
}

async function printGuide(service) {
  if (!service || !token()) return;
  try {
    await api("POST", `/api/v1/kiosks/${encodeURIComponent(KIOSK)}/print`,
      { token: token(), body: { kind: "guide", service } });
    showMessage(ds("guide_printing"), "info");
  } catch (e) {
    showMessage(e.code === "printer_unavailable" ? ds("guide_unavailable") : e.message);
  }
}

// -- the card reader and scanner (through the kiosk agent) ------------------------------------
function validCard() {
  return state.card && Date.now() < state.card.until ? state.card : null;
}

function renderCard() {
  const card = validCard();
  $("#card-banner").hidden = !card;
  $("#card-who").textContent = card ? ds("card_read", { name: card.name, id: card.masked }) : "";
  $("#card-green").hidden = !(card && card.green);
  $("#card-used").hidden = !card;
  $("#card-used").textContent = card ? ds("card_used", { id: card.masked }) : "";
  document.body.dataset.card = card ? "read" : "none";
}

function clearCard() {
  state.card = null;
  renderCard();
}

function onIdentity(msg) {
  if (state.screen === "result") startOver();
  state.card = { token: msg.card, masked: msg.masked, name: msg.name_masked, green: msg.green,
    until: Date.now() + Math.max(10, (msg.expires_in || 120) - 10) * 1000 };
  renderCard();
  resetIdle();
  if (state.screen === "checkin") {
    ci.setMode("id");
    ci.submit();
  } else if (state.screen === "services") {
    showMessage(ds("card_choose"), "info");
  }
}

function onScan(msg) {
  if (msg.kind !== "booking") { showMessage(ds("scan_unknown")); return; }
  if (!CHECKIN) return; // open or not: check-in itself says when a booking's window opens
  if (state.screen !== "checkin") ci.start();
  ci.setMode("code");
  $("#ci-code").value = msg.data;
  ci.submit();
}

function onAgent(msg) {
  state.agent = msg;
  const up = Boolean(msg.online);
  const printer = up && msg.printer_configured !== false && msg.printer !== false && msg.paper !== "out";
  const reader = up && msg.reader !== false && msg.reader !== null;
  document.body.dataset.agent = up ? "online" : "offline";
  document.body.dataset.printer = printer ? "ok" : "down";
  const note = !up ? ds("agent_down") : (printer ? "" : ds("printer_down"));
  $("#device-status").textContent = note;
  $("#device-status").hidden = !note;
  $("#reader-hint").hidden = reader;
  if (state.screen === "details" && reader !== state.readerWas) guide(screenGuide("details"));
  state.readerWas = reader;
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
  if (!token() || state.unauthorised) {
    showMessage(t("no_token"));
    return;
  }
  const btn = $("#help");
  btn.disabled = true;
  try {
    await api("POST", `/api/v1/sites/${encodeURIComponent(SITE)}/help`, { token: token(), body: { kiosk: KIOSK } });
    $("#help-status").textContent = t("help_sent");
    guide("help");
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
    if (b && b.id === "more-services") {
      state.pageIndex += 1;
      renderServices();
      $("#services .service").focus();
      guide("services");
    } else if (b && !b.disabled) chooseService(b.dataset.service);
  });
  $("#page-prev").addEventListener("click", () => { state.pageIndex -= 1; renderServices(); });
  $("#page-next").addEventListener("click", () => { state.pageIndex += 1; renderServices(); });
  $("#elder-start").addEventListener("click", () => {
    setElder(true);
    $("#take-start").focus();
  });
  $("#take-start").addEventListener("click", () => { setPicking(true); $("#services .service").focus(); });
  $("#services-back").addEventListener("click", () => { setPicking(false); $("#take-start").focus(); });
  more.wire();
  $("#elder-toggle").addEventListener("click", () => {
    setElder(false);
    $("#elder-start").focus();
  });
  $("#elder-repeat").addEventListener("click", () => {
    if (lastGuide) guide(...lastGuide);
  });
  $("#priority-open").addEventListener("click", () => show("priority"));
  for (const b of $$(".prio-choice")) {
    b.addEventListener("click", () => {
      setPriority(b.dataset.priority);
      show("details");
      $("#priority-open").focus();
    });
  }
  $("#idle-more").addEventListener("click", () => { closeIdleWarning(); resetIdle(); });
  $("#idle-leave").addEventListener("click", startOver);
  $("#idle-dialog").addEventListener("cancel", (e) => { e.preventDefault(); closeIdleWarning(); resetIdle(); });
  for (const pad of $$(".keypad")) {
    pad.addEventListener("click", (e) => {
      const key = e.target.closest(".key");
      if (key) keyInput(pad.dataset.target, key.dataset.key);
    });
  }
  if (CHECKIN) ci.wire();
  for (const b of $$(".prio")) {
    b.addEventListener("click", () => {
      setPriority(b.getAttribute("aria-pressed") !== "true" ? b.dataset.priority : "normal");
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
  $("#more-time").addEventListener("click", () => startCountdown(seconds(RESULT_SECONDS) * 2));
  $("#help").addEventListener("click", callHelp);
  $("#card-clear").addEventListener("click", clearCard);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !["services", "unauthorised"].includes(state.screen) && !$("#idle-dialog").open) startOver();
  });
}

captureToken();
wire();
runClock($("#clock"), false);
state.unauthorised = !token();
show(firstScreen());
renderServices();
siteSocket(SITE, { onSnapshot: refreshSoon, onEvent: refreshSoon });
window.kioskDevices = deviceLink(KIOSK, token, {
  identity: onIdentity,
  identity_removed: () => {}, // the card may be taken away: its read stays usable until used or expired
  identity_error: () => showMessage(ds("card_unreadable")),
  scan: onScan,
  print: onPrint,
  agent: onAgent,
  unauthorised,
});
setInterval(refresh, 60000);
