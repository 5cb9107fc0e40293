// What the booking forms share: the checks that mirror the server's, a field's error line,
// a message box, and a readable message for a booking API error.
import { t } from "../lib/i18n.js";
import { dateTime, fullDay } from "./when.js";

export const CODE_RE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/; // core/registry/appointments.py CODE_ALPHABET
export const PHONE_RE = /^1[3-9]\d{9}$/;
export const VERIFY_ID_RE = /^[0-9]{3}[0-9X]$/; // the last 4 characters of an ID number

export const cleanPhone = (raw) => raw.replace(/[\s-]/g, "");
export const cleanId = (raw) => raw.trim().toUpperCase().replace(/\s/g, "");

export function setFieldError(input, message) {
  const box = document.getElementById(`${input.id}-error`);
  if (box) box.textContent = message || "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/** Fill a message box with text or nodes; empty content hides it. */
export function showBox(box, content) {
  if (content === null || content === undefined || content === "") {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(...(Array.isArray(content) ? content : [content]));
  box.hidden = false;
}

function duplicateMessage(d) {
  const who = (String(d.message || "").match(/\*{6,}[0-9X]{4}/) || [""])[0];
  if (!who) return t("duplicate_someone");
  return d.held_code ? t("duplicate", { who, code: d.held_code }) : t("duplicate_plain", { who });
}

/** A readable message for a booking API error. */
export function bookingMessage(e) {
  const d = e.details || {};
  switch (e.code) {
    case "slot_full": return t("slot_full");
    case "booking_blocked": return d.until ? t("blocked_until", { until: fullDay(d.until) }) : e.message;
    case "duplicate_booking": return duplicateMessage(d);
    case "outside_horizon":
      return d.opens_at && d.closes_at
        ? t("outside_horizon", { from: dateTime(d.opens_at), to: dateTime(d.closes_at) }) : e.message;
    case "outside_divorce_window": // without dates: no application was received here for these two
      return d.window_start && d.window_end
        ? t("divorce_window", { from: fullDay(d.window_start), to: fullDay(d.window_end) }) : e.message;
    case "slot_past": return t("slot_past");
    case "invalid_slot": return t("invalid_slot");
    case "rate_limited": return t("rate_limited");
    case "pow_required": case "pow_invalid": return t("pow_failed");
    case "ceremony_full": return t("ceremony_full");
    default: return e.message;
  }
}
