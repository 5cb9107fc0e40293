// A place kiosk (outside the centers, SPEC 6b; docs/district.md): every center's queues now and its
// hours, booking at any site (the phone's booking pages at kiosk size), the service guides on screen
// and printed, and a remote number for an open center by ID card or typed ID number, with its slip.
// The kiosk's own modules make the frame (shell.js: screens, idle question, elder mode and voice),
// the card reader and the agent link (card.js, devices.js) and the guide and nearby screens (info.js).
import { $, $$, el, readJSON } from "../lib/dom.js";
import { api, ApiError } from "../lib/api.js";
import { deviceToken } from "../lib/device.js";
import { nameOf, siteCard } from "../lib/district.js";
import { validId } from "../lib/id_number.js";
import { formatTime, LANG, stringsOf, t } from "../lib/i18n.js";
import { runClock } from "../lib/time.js";
import { cardReader } from "../kiosk/card.js";
import { deviceLink } from "../kiosk/devices.js";
import { info } from "../kiosk/info.js";
import { kioskShell } from "../kiosk/shell.js";

const page = readJSON("page-data");
const PLACE = page.place;
const KIOSK = page.kiosk;
const timing = page.timing;
const ds = stringsOf("device-strings");
const token = deviceToken(`kiosk-token:${KIOSK}`);
const SERVICES = page.services; // every service of the district: {id, name, name_en, walk_in, remote}
let district = page.district; // GET /api/v1/district?near=<place>, refreshed every few seconds
let unauthorised = !token();
const remote = { service: null, site: null, job: null };
let resultTimer = null;
let idleTimer = null;

function guideOf(name) {
  return { home: "start", guide: "guide", nearby: "nearby", details: card.readerOk() ? "details" : "details_typing" }[name]
    || null;
}

const shell = kioskShell({ timing, guideOf, onTimeout: startOver, onFresh: clearDetails,
  sayAs: { elder: "elder_place", problem: "problem_place" } });
const card = cardReader(ds);
// A service can be taken here when it takes remote numbers and some center offering it is open.
const takeable = (id) => district.open_now && district.sites.some((s) => s.open_now
  && s.services.some((x) => x.id === id && x.remote));
const more = info(shell, {
  site: PLACE, guides: page.guides, nearby: timing.nearby, choices: timing.elder_choices,
  services: () => SERVICES.map((s) => ({ ...s, walk_in: takeable(s.id) })),
  open: () => district.open_now, chosen: () => null,
}, { choose: (id) => openRemote(id), print: printGuide, back: home });

function home() {
  clearDetails();
  shell.show(unauthorised ? "unauthorised" : "home");
}

/** The next resident starts from a clean first screen: Chinese, elder mode off, nothing typed. */
function startOver() {
  if (LANG !== "zh" || location.search) {
    location.replace(location.pathname);
    return;
  }
  clearTimeout(resultTimer);
  shell.closeIdle();
  card.clear();
  clearDetails();
  shell.setElder(false);
  shell.message("");
  home();
}

/** Any screen but the first goes back to it after a while untouched (the form screens ask first). */
function touched() {
  clearTimeout(idleTimer);
  if (["home", "unauthorised", "details"].includes(shell.screen)) return;
  idleTimer = setTimeout(startOver, shell.seconds(timing.idle_seconds) * 1000);
}

// -- the district ------------------------------------------------------------------------------
function renderClosedNote() {
  const closed = !district.open_now;
  document.body.dataset.centers = closed ? "closed" : "open";
  const note = $("#centers-closed");
  note.hidden = !closed;
  if (closed) {
    const time = (district.next_opening || "").slice(11, 16);
    note.firstChild.textContent = time ? t("no_remote_now", { time }) + " " : "";
  }
  $("#remote-start").hidden = closed;
}

/** A list shown a page at a time, like the kiosk's services: a kiosk screen does not scroll. */
function pager(list, nav) {
  let page = 0;
  let items = [];
  let size = 1;
  function draw() {
    const pages = Math.max(1, Math.ceil(items.length / size));
    page = Math.min(page, pages - 1);
    list.replaceChildren(...items.slice(page * size, (page + 1) * size));
    nav.hidden = pages < 2;
    $(".page-info", nav).textContent = t("page_of", { page: page + 1, pages });
    $(".page-prev", nav).disabled = page === 0;
    $(".page-next", nav).disabled = page >= pages - 1;
  }
  function fits() { // everything of the list's screen (the pager, the back button) above the footer
    const floor = $(".kiosk-foot").getBoundingClientRect().top;
    const parts = [...list.closest("section").children].filter((e) => !e.hidden && e.offsetParent !== null);
    return parts.every((e) => e.getBoundingClientRect().bottom <= floor);
  }
  $(".page-prev", nav).addEventListener("click", () => { page -= 1; draw(); });
  $(".page-next", nav).addEventListener("click", () => { page += 1; draw(); });
  return {
    show(next, perPage, { first = false } = {}) {
      items = next;
      size = perPage;
      if (first) page = 0;
      draw();
      // perPage is for the portrait screen: on a shorter one (landscape, elder sizes) fewer
      // fit above the footer, and a kiosk page must not scroll
      while (size > 1 && list.offsetParent !== null && !fits()) {
        size -= 1;
        draw();
      }
    },
  };
}

const centersPages = pager($("#centers-list"), $("#centers-pager"));
const sitesPages = pager($("#remote-sites"), $("#remote-pager"));
const perPage = (key) => timing[shell.elder ? `elder_${key}` : key];

function renderCenters(first = false) {
  centersPages.show(district.sites.map((s) => siteCard(s, district.at)), perPage("centers_page"), { first });
  $("#centers-updated").textContent = t("updated_at", { time: district.at.slice(11, 16) });
}

async function refresh() {
  try {
    district = await api("GET", `/api/v1/district?near=${encodeURIComponent(PLACE)}`);
  } catch {
    return; // keep what is shown: the next tick retries
  }
  renderClosedNote();
  if (shell.screen === "centers") renderCenters();
  if (shell.screen === "remote") renderRemote();
}

// -- a remote number -------------------------------------------------------------------------------
function remoteServices() {
  return SERVICES.filter((s) => takeable(s.id));
}

function openRemote(service = null) {
  const list = remoteServices();
  remote.service = service && list.some((s) => s.id === service) ? service : (list[0] || {}).id || null;
  shell.show("remote");
  renderRemote(true);
}

function renderRemote(first = false) {
  const list = remoteServices();
  const limit = shell.elder ? timing.elder_choices : list.length;
  $("#remote-services").replaceChildren(...list.slice(0, Math.max(limit, 1)).map((s) => {
    const b = el("button", { type: "button", class: "chip", "aria-pressed": s.id === remote.service ? "true" : "false",
      dataset: { service: s.id }, text: nameOf(s) });
    b.addEventListener("click", () => { remote.service = s.id; renderRemote(true); });
    return b;
  }));
  const sites = district.sites.filter((s) => s.open_now && s.services.some((x) => x.id === remote.service && x.remote));
  sitesPages.show(sites.map((s) => siteCard(s, district.at, {
    services: s.services.filter((x) => x.id === remote.service), onPick: openDetails })), perPage("sites_page"), { first });
  const empty = !district.open_now || !sites.length;
  $("#remote-empty").hidden = !empty;
  $("#remote-empty").textContent = !district.open_now
    ? t("no_remote_now", { time: (district.next_opening || "").slice(11, 16) })
    : (empty ? t("remote_none") : "");
}

function openDetails(site) {
  remote.site = site;
  const service = SERVICES.find((s) => s.id === remote.service);
  $("#details-title").textContent = nameOf(service);
  $("#details-where").textContent = [nameOf(site), site.address].filter(Boolean).join(" · ");
  shell.show("details");
  $("#id-number").value = "";
  $("#id-error").textContent = "";
}

function clearDetails() {
  $("#id-number").value = "";
  $("#id-error").textContent = "";
  remote.site = null;
}

async function take() {
  if (!remote.site || !remote.service) return;
  const typed = $("#id-number").value.trim().toUpperCase();
  const read = card.valid();
  const body = { service: remote.service };
  if (typed) {
    if (!validId(typed)) { $("#id-error").textContent = t("id_invalid"); return; }
    body.id_number = typed;
  } else if (read) {
    body.card = read.token;
  } else {
    $("#id-error").textContent = t("id_needed");
    return;
  }
  const btn = $("#take");
  btn.disabled = true;
  try {
    const ticket = await api("POST", `/api/v1/sites/${encodeURIComponent(remote.site.id)}/remote-tickets`,
      { token: token(), body });
    if (read && body.card) card.clear();
    showResult(ticket);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405) && e.code.startsWith("http_")) {
      shell.message(t("remote_missing")); // the server has no remote tickets (yet)
    } else if (e instanceof ApiError && e.status === 401) {
      refuse();
    } else {
      shell.message(e.message);
    }
  } finally {
    btn.disabled = false;
  }
}

function showResult(ticket) {
  const site = remote.site;
  $("#result-title").textContent = t("remote_taken", { site: nameOf(site) });
  $("#r-number").textContent = ticket.number;
  const service = SERVICES.find((s) => s.id === (ticket.service || remote.service));
  $("#r-service").textContent = service ? nameOf(service) : "";
  $("#r-existing").hidden = !ticket.existing;
  $("#r-existing").textContent = ticket.existing ? t("remote_existing") : "";
  $("#r-address").textContent = site.address || nameOf(site);
  const by = ticket.arrive_by ? formatTime(new Date(ticket.arrive_by)) : "";
  $("#r-arrive").textContent = by;
  $("#r-arrive-note").textContent = by ? t("remote_arrive_by", { time: by }) : "";
  $("#r-ahead").textContent = ticket.people_ahead === undefined ? "" : String(ticket.people_ahead);
  $("#r-qr").src = ticket.track_url ? `/qr.svg?data=${encodeURIComponent(ticket.track_url)}` : "";
  printStatus(ticket.print);
  document.body.dataset.result = ticket.number;
  shell.show("result");
  clearTimeout(resultTimer);
  resultTimer = setTimeout(startOver, shell.seconds(timing.result_seconds) * 1000);
}

// A print result may come before the ticket's HTTP answer (a printer that fails at once): kept a while.
const earlyPrints = new Map();
let printTimer = null;

function printStatus(print) {
  const line = $("#r-print");
  clearTimeout(printTimer);
  remote.job = print && print.status === "sent" ? print.job : null;
  line.hidden = !print;
  line.textContent = !print ? "" : (remote.job === null ? t("print_failed") : t("printing"));
  if (remote.job === null) return;
  const job = remote.job; // no answer in time (the server gives up first, and says so): not printed
  printTimer = setTimeout(() => onPrint({ job, status: "failed" }), timing.print_wait_ms);
  if (earlyPrints.has(job)) onPrint(earlyPrints.get(job));
}

function onPrint(msg) {
  if (msg.job === null || msg.job === undefined) return;
  if (msg.job !== remote.job) {
    earlyPrints.set(msg.job, msg);
    if (earlyPrints.size > 8) earlyPrints.delete(earlyPrints.keys().next().value);
    return;
  }
  clearTimeout(printTimer);
  $("#r-print").textContent = msg.status === "printed" ? "" : t("print_failed");
  $("#r-print").hidden = msg.status === "printed";
  remote.job = null;
}

// -- guides, booking, the agent ----------------------------------------------------------------------
async function printGuide(service) {
  if (!service || !token()) return;
  try {
    await api("POST", `/api/v1/kiosks/${encodeURIComponent(KIOSK)}/print`,
      { token: token(), body: { kind: "guide", service } });
    shell.message(t("guide_printing"), "info");
  } catch (e) {
    shell.message(e.code === "printer_unavailable" ? t("guide_unavailable") : e.message);
  }
}

/** The booking pages know they are at this kiosk (kiosk size, a way back, a shorter idle time). */
function markBooking() {
  document.cookie = `hall_kiosk=${encodeURIComponent(KIOSK)}; path=/book; SameSite=Strict`;
}

function refuse() {
  unauthorised = true;
  document.body.dataset.auth = "none";
  shell.closeIdle();
  shell.show("unauthorised");
}

function keyInput(target, key) {
  const input = document.getElementById(target);
  if (!input) return;
  if (key === "back") input.value = input.value.slice(0, -1);
  else if (input.value.length < input.maxLength) input.value += key;
  $("#id-error").textContent = "";
  shell.touch();
}

function wire() {
  shell.wire();
  card.wire();
  more.wire();
  $("#remote-start").addEventListener("click", () => openRemote());
  $("#centers-start").addEventListener("click", () => { shell.show("centers"); renderCenters(true); });
  $("#book-start").addEventListener("click", () => shell.show("book"));
  for (const a of $$(".book-link")) a.addEventListener("click", markBooking);
  for (const id of ["#centers-back", "#book-back", "#remote-back"]) $(id).addEventListener("click", home);
  $("#back").addEventListener("click", () => { clearDetails(); shell.show("remote"); renderRemote(); });
  $("#take").addEventListener("click", take);
  $("#finish").addEventListener("click", startOver);
  $("#elder-start").addEventListener("click", () => { shell.setElder(true); $("#centers-start").focus(); });
  $("#elder-toggle").addEventListener("click", () => { shell.setElder(false); $("#elder-start").focus(); });
  for (const pad of $$(".keypad")) {
    pad.addEventListener("click", (e) => {
      const key = e.target.closest(".key");
      if (key) keyInput(pad.dataset.target, key.dataset.key);
    });
  }
  document.addEventListener("pointerdown", touched);
  document.addEventListener("keydown", (e) => {
    touched();
    if (e.key === "Escape" && !["home", "unauthorised"].includes(shell.screen) && !shell.idleOpen) startOver();
  });
  new MutationObserver(touched).observe(document.body, { attributes: true, attributeFilter: ["data-screen"] });
}

wire();
runClock($("#clock"), false);
renderClosedNote();
home();
if (!unauthorised) {
  window.kioskDevices = deviceLink(KIOSK, token, {
    identity: (msg) => {
      card.read(msg);
      shell.touch();
      if (shell.screen === "details") $("#id-error").textContent = "";
    },
    identity_removed: () => {},
    identity_error: () => shell.message(ds("card_unreadable")),
    print: onPrint,
    agent: (msg) => card.setAgent(msg),
    unauthorised: refuse,
  });
}
setInterval(refresh, timing.refresh_ms);

