// Kiosk appointment check-in (docs/appointments.md): a booking code (typed, or scanned by a QR
// scanner in keyboard mode) and/or the ID number of each party in turn; the ticket screen when
// everyone is in, a clear next step when too early or too late. The kiosk page hands in what it
// shares with the rest of its screens.
import { $, $$, api, formatDateTime, formatTime, LANG, serverNow, t } from "./common.js";

export function checkin(k) {
  const { state, page, SITE, CODE_RE, resetIdle, guide, clearDetails, showMessage, show, validCard, validId,
    token, clearCard, showResult, chooseService, backToServices, callHelp, readerOk } = k;

  function setCheckinMode(mode) {
    state.ci.mode = mode;
    for (const b of $$(".ci-mode")) b.setAttribute("aria-pressed", b.dataset.mode === mode ? "true" : "false");
    $("#ci-code-entry").hidden = mode !== "code";
    $("#ci-id-entry").hidden = mode !== "id";
    $(mode === "code" ? "#ci-code" : "#ci-id").focus();
    resetIdle();
  }

  function checkinProblem(text, { walkIn = false, help = false, service = null } = {}) {
    $("#ci-problem").hidden = !text;
    $("#ci-problem-text").textContent = text;
    const walk = $("#ci-walk-in");
    walk.hidden = !walkIn;
    walk.dataset.service = service || "";
    $("#ci-help").hidden = !help;
    $("#screen-checkin").classList.toggle("has-problem", Boolean(text));
    if (text) guide("problem");
  }

  function resetCheckin() {
    state.ci = { mode: "code", code: null, pending: [] };
    $("#ci-code").value = "";
    $("#ci-id").value = "";
    for (const e of $$("#screen-checkin .field-error")) e.textContent = "";
    $("#ci-pending").hidden = true;
    checkinProblem("");
  }

  function startCheckin() {
    clearDetails();
    resetCheckin();
    showMessage("");
    show("checkin");
    setCheckinMode("code");
  }

  const shortTime = (iso) => {
    const when = new Date(iso);
    const sameDay = when.toDateString() === serverNow().toDateString();
    return sameDay ? formatTime(when) : formatDateTime(when);
  };

  /** A party is still expected: say who, and let the next person type their ID number. */
  function showPending(appointment, pending) {
    state.ci.code = appointment.code;
    state.ci.pending = pending;
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
    setCheckinMode("id");
    guide(readerOk() ? "checkin_next" : "checkin_next_typing");
  }

  function checkinError(e) {
    const d = e.details || {};
    if (e.code === "invalid_id_number") {
      $("#ci-id-error").textContent = e.message;
    } else if (e.code === "too_early" && d.come_back_at) {
      checkinProblem(t("ci_too_early", { time: shortTime(d.come_back_at) }));
    } else if (e.code === "too_late") {
      checkinProblem(d.walk_in ? t("ci_too_late_walk_in") : t("ci_too_late"),
        { walkIn: Boolean(d.walk_in), help: !d.walk_in, service: d.service });
    } else if (e.code === "appointment_closed") {
      // A booking nobody checked in for in time is marked missed by the server's sweep.
      checkinProblem(/no_show/.test(d.message || "") ? t("ci_too_late") : t("ci_closed"), { help: true });
    } else if (e.code === "appointment_not_found") {
      checkinProblem(e.message, { help: true });
    } else {
      showMessage(e.message);
    }
  }

  async function submitCheckin() {
    if (state.busy) return;
    checkinProblem("");
    const body = {};
    if (state.ci.mode === "code") {
      const code = $("#ci-code").value.trim().toUpperCase();
      if (!CODE_RE.test(code)) {
        $("#ci-code-error").textContent = t("ci_code_shape");
        return;
      }
      body.code = code;
    } else {
      const id = $("#ci-id").value.trim().toUpperCase();
      const card = id ? null : validCard();
      if (card) body.card = card.token;
      else if (!id) {
        $("#ci-id-error").textContent = t("ci_need_id");
        return;
      } else if (!validId(id)) {
        $("#ci-id-error").textContent = t("id_invalid");
        return;
      } else body.id_number = id;
      if (state.ci.code) body.code = state.ci.code;
    }
    if (!token()) {
      showMessage(t("no_token"));
      return;
    }
    state.busy = true;
    $("#ci-submit").disabled = true;
    try {
      const res = await api("POST", `/api/v1/sites/${encodeURIComponent(SITE)}/check-in`, { token: token(), body });
      if (body.card) clearCard();
      if (res.ticket === null && res.pending) showPending(res.appointment, res.pending);
      else showResult(res);
    } catch (e) {
      if (e.code === "card_expired") clearCard();
      checkinError(e);
    } finally {
      state.busy = false;
      $("#ci-submit").disabled = false;
    }
  }

  /** Too late for the appointment: take a normal number for its service instead. */
  function walkInInstead(service) {
    resetCheckin();
    const s = state.services.find((x) => x.id === service && x.walk_in);
    if (s) {
      chooseService(s.id);
      return;
    }
    backToServices();
    showMessage(t("ci_choose_service"), "info");
  }

  /** A QR scanner in keyboard mode types the booking code and Enter: check in from the first screen. */
  function scannerInput() {
    let typed = "";
    let last = 0;
    document.addEventListener("keydown", (e) => {
      if (state.screen !== "services" || e.ctrlKey || e.altKey || e.metaKey) return;
      const now = Date.now();
      if (now - last > 300) typed = "";
      last = now;
      if (e.key === "Enter" && CODE_RE.test(typed)) {
        const code = typed;
        typed = "";
        startCheckin();
        $("#ci-code").value = code;
        submitCheckin();
      } else if (e.key.length === 1) {
        typed = (typed + e.key.toUpperCase()).slice(-8);
      }
    });
  }

  function wireCheckin() {
    scannerInput();
    $("#checkin-start").addEventListener("click", startCheckin);
    // the closed screen offers check-in too: a booking's window may start before opening
    $("#checkin-closed").addEventListener("click", startCheckin);
    for (const b of $$(".ci-mode")) b.addEventListener("click", () => setCheckinMode(b.dataset.mode));
    const code = $("#ci-code");
    code.addEventListener("input", () => {
      code.value = code.value.toUpperCase().replace(new RegExp(`[^${page.code_keys}]`, "g"), "").slice(0, 8);
      $("#ci-code-error").textContent = "";
      resetIdle();
    });
    const id = $("#ci-id");
    id.addEventListener("input", () => {
      id.value = id.value.toUpperCase().replace(/[^0-9X]/g, "").slice(0, 18);
      $("#ci-id-error").textContent = "";
      resetIdle();
    });
    for (const input of [code, id]) input.addEventListener("keydown", (e) => { if (e.key === "Enter") submitCheckin(); });
    $("#ci-submit").addEventListener("click", submitCheckin);
    $("#ci-back").addEventListener("click", () => { resetCheckin(); backToServices(); });
    $("#ci-walk-in").addEventListener("click", (e) => walkInInstead(e.currentTarget.dataset.service));
    $("#ci-help").addEventListener("click", callHelp);
  }

  return { wire: wireCheckin, reset: resetCheckin, start: startCheckin, setMode: setCheckinMode,
    submit: submitCheckin };
}
