// Kiosk page: choose a service, optionally give an ID number and a green-channel class, take a
// number, show the ticket with a QR code; back to the start after a minute. Where the site takes
// bookings, residents also check in for their appointment here (code or ID number, every
// party in turn) and get the same ticket screen. This module puts the screens together; each
// screen is a controller of its own (shell.js, services.js, details.js, checkin.js, info.js,
// result.js) and the agent's devices come through devices.js and card.js.
import { $, $$, readJSON } from "../lib/dom.js";
import { api, ApiError } from "../lib/api.js";
import { deviceToken } from "../lib/device.js";
import { LANG, stringsOf, t } from "../lib/i18n.js";
import { siteSocket } from "../lib/socket.js";
import { runClock, throttle } from "../lib/time.js";
import { cardReader } from "./card.js";
import { checkin } from "./checkin.js";
import { detailsScreen } from "./details.js";
import { deviceLink } from "./devices.js";
import { info } from "./info.js";
import { resultScreen } from "./result.js";
import { servicesScreen } from "./services.js";
import { kioskShell } from "./shell.js";

const page = readJSON("page-data");
const SITE = page.site;
const KIOSK = page.kiosk;
const CHECKIN = Boolean(page.checkin);
const timing = page.timing; // the kiosk's timeouts and sizes (templates/kiosk.html)
const ds = stringsOf("device-strings");
const token = deviceToken(`kiosk-token:${KIOSK}`);
let unauthorised = !token();
let readerWas = null;

/** Post to the site's API (or the kiosk's own) with the device token. */
async function send(path, body, { kiosk = false } = {}) {
  if (!token()) throw new ApiError(0, "no_token", t("no_token"));
  const base = kiosk ? `/api/v1/kiosks/${encodeURIComponent(KIOSK)}` : `/api/v1/sites/${encodeURIComponent(SITE)}`;
  return api("POST", `${base}/${path}`, { token: token(), body });
}

/** The guidance of a screen in its current state. */
function guideOf(name) {
  if (name === "services") return services.picking ? "services" : "start";
  if (name === "details") return card.readerOk() ? "details" : "details_typing";
  if (name === "guide") return "guide";
  return { priority: "priority", checkin: "checkin", closed: "closed", nearby: "nearby" }[name] || null;
}

const shell = kioskShell({ timing, guideOf, onTimeout: startOver, onFresh: () => details.clear() });
const card = cardReader(ds);
const refreshSoon = throttle(() => services.refresh(), 2000);
const result = resultScreen({ shell, timing, ds, onTimeout: startOver, onShown: refreshSoon });
const services = servicesScreen({ site: SITE, services: page.services, open: page.open_now, shell, timing,
  onChoose: (s) => details.open(s), onOpenChange: () => shell.show(firstScreen()) });
const details = detailsScreen({ shell, card, send, ds, outcome: {
  ticket: result.show,
  refused: refuse,
  closed: (text) => { services.open = false; startOver(); shell.message(text); },
} });
const ci = checkin(shell, card, { codeKeys: page.code_keys || "", send, ticket: result.show,
  walkIn: (service) => services.choose(service), help: callHelp, leave: backToServices });
const more = info(shell, { site: SITE, guides: page.guides, nearby: timing.nearby, services: () => services.list,
  open: () => services.open, chosen: () => details.chosen },
{ choose: (id) => services.choose(id), print: printGuide, back: backToServices });

/** Unauthorised (no or a refused device token) before anything else: said at load, not after typing. */
function firstScreen() {
  if (unauthorised) return "unauthorised";
  return services.open ? "services" : "closed";
}

function refuse() {
  unauthorised = true;
  document.body.dataset.auth = "none";
  shell.closeIdle();
  shell.show("unauthorised");
}

function backToServices() {
  details.clear();
  shell.show(firstScreen());
  services.render();
}

function setElder(on) {
  shell.setElder(on);
  services.reset();
}

/** The next resident starts from a clean first screen: Chinese, elder mode off, nothing typed. */
function startOver() {
  if (LANG !== "zh" || location.search) { // the last resident's language goes with them
    location.replace(location.pathname);
    return;
  }
  result.stop();
  shell.closeIdle();
  card.clear();
  details.clear();
  if (CHECKIN) ci.reset();
  setElder(false);
  shell.message("");
  $("#help-status").textContent = ""; // the last resident's call for help is not the next one's
  shell.show(firstScreen());
  services.refresh();
}

async function printGuide(service) {
  if (!service || !token()) return;
  try {
    await send("print", { kind: "guide", service }, { kiosk: true });
    shell.message(ds("guide_printing"), "info");
  } catch (e) {
    shell.message(e.code === "printer_unavailable" ? ds("guide_unavailable") : e.message);
  }
}

async function callHelp() {
  if (!token() || unauthorised) {
    shell.message(t("no_token"));
    return;
  }
  const btn = $("#help");
  btn.disabled = true;
  try {
    await send("help", { kiosk: KIOSK });
    $("#help-status").textContent = t("help_sent");
    shell.say("help");
    setTimeout(() => { $("#help-status").textContent = ""; }, timing.help_shown_seconds * 1000);
  } catch (e) {
    shell.message(e.message);
  } finally {
    setTimeout(() => { btn.disabled = false; }, timing.help_again_seconds * 1000);
  }
}

// -- the agent's devices ---------------------------------------------------------------------
function onIdentity(msg) {
  if (shell.screen === "result") startOver();
  card.read(msg);
  shell.touch();
  if (shell.screen === "checkin") ci.cardRead();
  else if (shell.screen === "services") shell.message(ds("card_choose"), "info");
}

function onScan(msg) {
  if (msg.kind === "ticket") { checkInRemote(msg.data); return; } // at any center, bookings or not
  if (msg.kind !== "booking") { shell.message(ds("scan_unknown")); return; }
  if (!CHECKIN) return; // open or not: check-in itself says when a booking's window opens
  ci.scanned(msg.data);
}

/** A remote ticket's QR (docs/district.md): checked in, it waits in the place it held from issue. */
async function checkInRemote(ticket) {
  if (shell.screen === "result") startOver();
  try {
    const res = await send("check-in", { ticket });
    result.show(res);
    shell.message(t("ci_remote_in", { number: res.number }), "info");
  } catch (e) {
    shell.message(e.message);
  }
}

function onAgent(msg) {
  const reader = card.setAgent(msg);
  if (shell.screen === "details" && reader !== readerWas) shell.say(guideOf("details"));
  readerWas = reader;
}

/** A key of an on-screen keypad, typed into the keypad's target input. */
function keyInput(target, key) {
  const input = document.getElementById(target);
  if (!input) return;
  if (key === "back") input.value = input.value.slice(0, -1);
  else if (input.value.length < input.maxLength) input.value += key;
  for (const err of $$(".field-error", input.closest(".screen"))) err.textContent = "";
  shell.touch();
}

function wire() {
  shell.wire();
  services.wire();
  details.wire();
  result.wire();
  card.wire();
  more.wire();
  if (CHECKIN) ci.wire();
  $("#elder-start").addEventListener("click", () => { setElder(true); $("#take-start").focus(); });
  $("#elder-toggle").addEventListener("click", () => { setElder(false); $("#elder-start").focus(); });
  for (const pad of $$(".keypad")) {
    pad.addEventListener("click", (e) => {
      const key = e.target.closest(".key");
      if (key) keyInput(pad.dataset.target, key.dataset.key);
    });
  }
  $("#back").addEventListener("click", backToServices);
  $("#finish").addEventListener("click", startOver);
  $("#help").addEventListener("click", callHelp);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !["services", "unauthorised"].includes(shell.screen) && !shell.idleOpen) startOver();
  });
}

wire();
runClock($("#clock"), false);
shell.show(firstScreen());
services.render();
siteSocket(SITE, { onSnapshot: refreshSoon, onEvent: refreshSoon });
window.kioskDevices = deviceLink(KIOSK, token, {
  identity: onIdentity,
  identity_removed: () => {}, // the card may be taken away: its read stays usable until used or expired
  identity_error: () => shell.message(ds("card_unreadable")),
  scan: onScan,
  print: result.onPrint,
  agent: onAgent,
  unauthorised: refuse,
});
setInterval(() => services.refresh(), timing.refresh_ms);
