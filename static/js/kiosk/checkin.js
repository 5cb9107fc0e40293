// Kiosk appointment check-in (docs/appointments.md): a booking code (typed, or scanned by a QR
// scanner in keyboard mode) and/or the ID number of each party in turn; the ticket screen when
// everyone is in, a clear next step when too early or too late.
import { $, $$ } from "../lib/dom.js";
import { formatDateTime, formatTime, LANG, t } from "../lib/i18n.js";
import { validId } from "../lib/id_number.js";
import { serverNow } from "../lib/time.js";

const SCANNER_GAP_MS = 300; // a scanner types faster than this; a person does not

/**
 * @param {object} shell the kiosk's frame (show, screen, touch, say, message)
 * @param {object} card the card reader (valid, clear, readerOk)
 * @param {{codeKeys: string, send: (path, body) => Promise, ticket: (res) => void,
 *   walkIn: (service) => boolean, help: () => void, leave: () => void}} next where check-in leads
 */
export function checkin(shell, card, next) {
  const codeRe = new RegExp(`^[${next.codeKeys}]{8}$`);
  const codeLength = 8;
  let mode = "code";
  let code = null; // the booking found so far
  let busy = false;

  function setMode(m) {
    mode = m;
    for (const b of $$(".ci-mode")) b.setAttribute("aria-pressed", b.dataset.mode === m ? "true" : "false");
    $("#ci-code-entry").hidden = m !== "code";
    $("#ci-id-entry").hidden = m !== "id";
    $(m === "code" ? "#ci-code" : "#ci-id").focus();
    shell.touch();
  }

  function problem(text, { walkIn = false, help = false, service = null } = {}) {
    $("#ci-problem").hidden = !text;
    $("#ci-problem-text").textContent = text;
    const walk = $("#ci-walk-in");
    walk.hidden = !walkIn;
    walk.dataset.service = service || "";
    $("#ci-help").hidden = !help;
    $("#screen-checkin").classList.toggle("has-problem", Boolean(text));
    if (text) shell.say("problem");
  }

  function reset() {
    mode = "code";
    code = null;
    $("#ci-code").value = "";
    $("#ci-id").value = "";
    for (const e of $$("#screen-checkin .field-error")) e.textContent = "";
    $("#ci-pending").hidden = true;
    problem("");
  }

  function start() {
    reset();
    shell.show("checkin", { fresh: true });
    setMode("code");
  }

  const shortTime = (iso) => {
    const when = new Date(iso);
    const sameDay = when.toDateString() === serverNow().toDateString();
    return sameDay ? formatTime(when) : formatDateTime(when);
  };

  /** A party is still expected: say who, and let the next person type their ID number. */
  function showPending(appointment, pending) {
    code = appointment.code;
    const service = LANG === "en" ? appointment.service_name_en : appointment.service_name;
    $("#ci-booking").textContent = t("ci_booking", { service, time: shortTime(appointment.start) });
    const done = appointment.applicants.filter((a) => a.checked_in).map((a) => a.id_masked);
    $("#ci-checked").textContent = done.length ? t("ci_checked", { list: done.join(t("list_sep")) }) : "";
    $("#ci-checked").hidden = !done.length;
    $("#ci-next").textContent = pending.length === 1
      ? t("ci_next_person", { id: pending[0] })
      : t("ci_each_person", { list: pending.join(t("list_sep")) });
    $("#ci-pending").hidden = false;
    $("#ci-id").value = "";
    $("#ci-code").value = "";
    setMode("id");
    shell.say(card.readerOk() ? "checkin_next" : "checkin_next_typing");
  }

  function showError(e) {
    const d = e.details || {};
    if (e.code === "invalid_id_number") {
      $("#ci-id-error").textContent = e.message;
    } else if (e.code === "too_early" && d.come_back_at) {
      problem(t("ci_too_early", { time: shortTime(d.come_back_at) }));
    } else if (e.code === "too_late") {
      problem(d.walk_in ? t("ci_too_late_walk_in") : t("ci_too_late"),
        { walkIn: Boolean(d.walk_in), help: !d.walk_in, service: d.service });
    } else if (e.code === "appointment_closed") {
      // A booking nobody checked in for in time is marked missed by the server's sweep.
      problem(/no_show/.test(d.message || "") ? t("ci_too_late") : t("ci_closed"), { help: true });
    } else if (e.code === "appointment_not_found") {
      problem(e.message, { help: true });
    } else {
      shell.message(e.message);
    }
  }

  /** What to send, or null after saying what is missing. */
  function request() {
    const body = {};
    if (mode === "code") {
      const typed = $("#ci-code").value.trim().toUpperCase();
      if (!codeRe.test(typed)) {
        $("#ci-code-error").textContent = t("ci_code_shape");
        return null;
      }
      body.code = typed;
      return body;
    }
    const id = $("#ci-id").value.trim().toUpperCase();
    const read = id ? null : card.valid();
    if (read) body.card = read.token;
    else if (!id) {
      $("#ci-id-error").textContent = t("ci_need_id");
      return null;
    } else if (!validId(id)) {
      $("#ci-id-error").textContent = t("id_invalid");
      return null;
    } else body.id_number = id;
    if (code) body.code = code;
    return body;
  }

  async function submit(given = null) {
    if (busy) return;
    problem("");
    const body = given || request();
    if (!body) return;
    busy = true;
    $("#ci-submit").disabled = true;
    try {
      const res = await next.send("check-in", body);
      if (body.card) card.clear();
      if (res.ticket === null && res.pending) showPending(res.appointment, res.pending);
      else {
        next.ticket(res);
        // a remote ticket (docs/district.md): checked in, it waits in the place it held from issue
        if (res.source === "remote") shell.message(t("ci_remote_in", { number: res.number }), "info");
      }
    } catch (e) {
      if (e.code === "card_expired") card.clear();
      showError(e);
    } finally {
      busy = false;
      $("#ci-submit").disabled = false;
    }
  }

  /** Too late for the appointment: take a normal number for its service instead. */
  function walkInInstead(service) {
    reset();
    if (next.walkIn(service)) return;
    next.leave();
    shell.message(t("ci_choose_service"), "info");
  }

  /** A booking code from the agent's scanner, or typed by a scanner in keyboard mode. */
  function scanned(text) {
    if (shell.screen !== "checkin") start();
    const remote = /\/t\/([\w-]+)\s*$/.exec(text); // a remote ticket's QR: its phone link
    if (remote) return submit({ ticket: remote[1] });
    setMode("code");
    $("#ci-code").value = text;
    submit();
  }

  /** A QR scanner in keyboard mode types the booking code and Enter: check in from the first screen. */
  function scannerInput() {
    let typed = "";
    let last = 0;
    document.addEventListener("keydown", (e) => {
      if (shell.screen !== "services" || e.ctrlKey || e.altKey || e.metaKey) return;
      const now = Date.now();
      if (now - last > SCANNER_GAP_MS) typed = "";
      last = now;
      if (e.key === "Enter" && codeRe.test(typed)) {
        const text = typed;
        typed = "";
        start();
        $("#ci-code").value = text;
        submit();
      } else if (e.key.length === 1) {
        typed = (typed + e.key.toUpperCase()).slice(-codeLength);
      }
    });
  }

  function wire() {
    scannerInput();
    $("#checkin-start").addEventListener("click", start);
    // the closed screen offers check-in too: a booking's window may start before opening
    $("#checkin-closed").addEventListener("click", start);
    for (const b of $$(".ci-mode")) b.addEventListener("click", () => setMode(b.dataset.mode));
    const codeInput = $("#ci-code");
    codeInput.addEventListener("input", () => {
      codeInput.value = codeInput.value.toUpperCase().replace(new RegExp(`[^${next.codeKeys}]`, "g"), "")
        .slice(0, codeLength);
      $("#ci-code-error").textContent = "";
      shell.touch();
    });
    const id = $("#ci-id");
    id.addEventListener("input", () => {
      id.value = id.value.toUpperCase().replace(/[^0-9X]/g, "").slice(0, 18);
      $("#ci-id-error").textContent = "";
      shell.touch();
    });
    for (const input of [codeInput, id]) input.addEventListener("keydown", (e) => { if (e.key === "Enter") submit(); });
    $("#ci-submit").addEventListener("click", () => submit()); // not the click event as the body
    $("#ci-back").addEventListener("click", () => { reset(); next.leave(); });
    $("#ci-walk-in").addEventListener("click", (e) => walkInInstead(e.currentTarget.dataset.service));
    $("#ci-help").addEventListener("click", next.help);
  }

  /** A card was read on the check-in screen: check in with it. */
  function cardRead() {
    setMode("id");
    submit();
  }

  return { wire, reset, scanned, cardRead };
}
