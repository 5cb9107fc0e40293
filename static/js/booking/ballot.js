// The ballot's page (templates/ballot.html, docs/peak-days.md): a couple enters (both parties checked
// as for booking, the proof of work solved in the background), and looks up their entry with its
// code and a verification; a winner confirms the place offered.
import { api } from "../lib/api.js";
import { $, readJSON } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { markField, readApplicants } from "./applicants.js";
import { bookingMessage, cleanId, setFieldError, showBox } from "./form.js";
import { proofHeaders, warmUp } from "./pow.js";
import { dateTime } from "./when.js";

const data = readJSON("page-data");
const ID = data.ballot.id;
const ENTRY_RE = /^B[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;
let current = null; // the entry looked up: {code, verify}

function entryMessage(e) {
  if (e.code === "already_entered" || e.code === "ballot_closed") return e.message;
  if (e.code === "entry_not_found") return t("entry_not_found");
  return bookingMessage(e);
}

async function enter(ev) {
  ev.preventDefault();
  const form = $("#book-form");
  showBox($("#form-error"), null);
  const applicants = readApplicants();
  if (!applicants) return;
  const picked = form.querySelector("input[name=ceremony]:checked");
  $("#book-submit").disabled = true;
  try {
    const res = await api("POST", `/api/v1/ballots/${encodeURIComponent(ID)}/entries`, {
      body: { applicants, ...(picked && picked.value ? { ceremony: picked.value } : {}) },
      headers: await proofHeaders(),
    });
    form.hidden = true;
    $("#entry-code").textContent = res.entry_code;
    $("#entered-text").textContent = t("entered_ok", { code: res.entry_code });
    $("#entered").hidden = false;
    $("#look-code").value = res.entry_code;
    $("#entered").focus?.();
  } catch (e) {
    showBox($("#form-error"), entryMessage(e));
    markField(e, applicants);
  } finally {
    $("#book-submit").disabled = false;
  }
}

function statusLine(entry) {
  const key = `status_${entry.status}`;
  return t(key, { position: entry.position ?? "", by: entry.confirm_by ? dateTime(entry.confirm_by) : "" });
}

function showEntry(entry) {
  $("#entry").hidden = false;
  $("#entry-status").textContent = statusLine(entry);
  const a = entry.appointment;
  $("#entry-booking").textContent = a && a.status === "booked" ? t("entry_booking", { code: a.code, when: dateTime(a.start) }) : "";
  $("#confirm").hidden = entry.status !== "won";
}

async function look(ev) {
  ev.preventDefault();
  const code = cleanId($("#look-code").value);
  const verify = $("#look-verify").value.trim().toUpperCase();
  setFieldError($("#look-code"), ENTRY_RE.test(code) ? "" : t("entry_code_shape"));
  setFieldError($("#look-verify"), verify ? "" : t("verify_shape"));
  showBox($("#look-error"), null);
  if (!ENTRY_RE.test(code) || !verify) return;
  try {
    const entry = await api("GET", `/api/v1/ballots/${encodeURIComponent(ID)}/entries/${code}?verify=${encodeURIComponent(verify)}`);
    current = { code, verify };
    showEntry(entry);
  } catch (e) {
    $("#entry").hidden = true;
    showBox($("#look-error"), entryMessage(e));
  }
}

async function confirm() {
  if (!current) return;
  try {
    const entry = await api("POST", `/api/v1/ballots/${encodeURIComponent(ID)}/entries/${current.code}/confirm`, {
      body: { verify: current.verify },
    });
    showEntry(entry);
    $("#entry-status").textContent = t("confirmed_ok", { code: entry.appointment ? entry.appointment.code : "" });
  } catch (e) {
    showBox($("#look-error"), e.message);
  }
}

if ($("#book-form")) {
  $("#book-form").addEventListener("submit", enter);
  $("#book-form").addEventListener("focusin", () => warmUp(), { once: true });
}
$("#look-form").addEventListener("submit", look);
$("#confirm").addEventListener("click", confirm);
