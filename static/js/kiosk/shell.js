// The kiosk's frame, shared by every screen: which screen is up, the message line, the idle
// question ("more time?") on form screens, elder mode with its timing and its voice.
//
// Elder mode (长辈模式, docs/accessibility.md): twice the time everywhere, and each step spoken by
// the server's offline voice (/api/v1/voice/guide/<key>.wav). The screen shows (#guide-line)
// exactly the sentence the voice speaks: both come from web/pages/guide.py, the page's copy in
// #guide-strings.
import { $, $$, readJSON } from "../lib/dom.js";
import { format, LANG } from "../lib/i18n.js";

const FORM_SCREENS = ["details", "checkin", "priority"];

/**
 * @param {{timing: object, guideOf: (screen) => string|null, onTimeout: () => void, onFresh: () => void}} opts
 * `guideOf` names a screen's guidance in its current state; `onTimeout` starts over; `onFresh`
 * empties the other screens' forms (show(name, {fresh: true})).
 */
/** ``sayAs`` renames guidance keys where a kiosk says them its own way (a place kiosk has no staff to call). */
export function kioskShell({ timing, guideOf, onTimeout, onFresh, sayAs = {} }) {
  const guides = readJSON("guide-strings");
  let screen = null;
  let elder = false;
  let messageTimer = null;
  let idleTimer = null;
  let idleCountdown = null;
  let audio = null;
  let lastGuide = null;

  const seconds = (n) => n * (elder ? timing.elder_factor : 1);

  function message(text, kind = "error") {
    const box = $("#message");
    box.textContent = text;
    box.className = `kiosk-message ${kind === "info" ? "info" : ""}`;
    box.hidden = !text;
    clearTimeout(messageTimer);
    const shown = timing.message_seconds * (elder ? timing.elder_message_factor : 1);
    if (text) messageTimer = setTimeout(() => { box.hidden = true; }, shown * 1000);
  }

  /** The sentence of ``key`` as shown and spoken, led by the ticket number on the result screen. */
  function guideText(key, number) {
    const lead = number ? format(guides._number, { number }) + guides._join : "";
    return lead + (guides[key] || "");
  }

  /** Show and speak one of the fixed guidance sentences, in elder mode only; a new one cuts the last short. */
  function say(asked, number = null) {
    const key = sayAs[asked] || asked;
    if (!elder || !guides[key]) return;
    lastGuide = [key, number];
    document.body.dataset.guide = key;
    $("#guide-line").textContent = guideText(key, number);
    if (audio) audio.pause();
    const q = new URLSearchParams({ lang: LANG });
    if (number) q.set("number", number);
    audio = new Audio(`/api/v1/voice/guide/${key}.wav?${q}`);
    audio.play().catch(() => { /* no sound: every sentence is also on the screen */ });
  }

  function show(name, { fresh = false } = {}) {
    if (fresh) {
      onFresh();
      message("");
    }
    const hadFocus = document.activeElement && document.activeElement !== document.body;
    for (const s of $$(".screen")) s.hidden = s.id !== `screen-${name}`;
    screen = name;
    touch();
    // Keyboard and screen-reader users land on the new screen's heading, not on a hidden button.
    const active = document.activeElement;
    if (hadFocus && (!active || active === document.body || active.closest("[hidden]"))) {
      const heading = $(`#screen-${name} h1`);
      if (heading) heading.focus();
    }
    document.body.dataset.screen = name;
    const key = guideOf(name);
    if (key) say(key);
  }

  /** On a form screen, a resident who stops touching is asked "more time?" before the kiosk starts over. */
  function touch() {
    clearTimeout(idleTimer);
    if (!FORM_SCREENS.includes(screen)) return;
    idleTimer = setTimeout(askMoreTime, (seconds(timing.idle_seconds) - timing.warn_seconds) * 1000);
  }

  function askMoreTime() {
    const dialog = $("#idle-dialog");
    let left = timing.warn_seconds;
    $("#idle-countdown").textContent = String(left);
    if (!dialog.open) dialog.showModal();
    $("#idle-more").focus();
    say("timeout");
    clearInterval(idleCountdown);
    idleCountdown = setInterval(() => {
      left -= 1;
      $("#idle-countdown").textContent = String(Math.max(0, left));
      if (left <= 0) onTimeout();
    }, 1000);
  }

  function closeIdle() {
    clearInterval(idleCountdown);
    const dialog = $("#idle-dialog");
    if (dialog.open) dialog.close();
  }

  /** Elder mode on or off (the caller redraws what depends on it); says so when it turns on. */
  function setElder(on) {
    const was = elder;
    elder = on;
    $("#guide-line").textContent = "";
    document.body.classList.toggle("elder", on);
    document.documentElement.classList.toggle("elder", on);
    if (on && !was) say("elder");
    if (!on && audio) audio.pause();
    touch();
  }

  function wire() {
    $("#elder-repeat").addEventListener("click", () => { if (lastGuide) say(...lastGuide); });
    $("#idle-more").addEventListener("click", () => { closeIdle(); touch(); });
    $("#idle-leave").addEventListener("click", onTimeout);
    $("#idle-dialog").addEventListener("cancel", (e) => { e.preventDefault(); closeIdle(); touch(); });
  }

  return {
    get screen() { return screen; },
    get elder() { return elder; },
    get idleOpen() { return $("#idle-dialog").open; },
    seconds, message, say, show, touch, closeIdle, setElder, wire,
  };
}
