// The applicants of the booking form (one fieldset .party each): read and checked before
// sending, and the server's answer put on the field it is about.
import { $, $$ } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { ID_SHAPE, validId } from "../lib/id_number.js";
import { bookingMessage, cleanId, cleanPhone, PHONE_RE, setFieldError, showBox } from "./form.js";

const NAME_MAX = 50;
const VALID = "110105199003071239"; // stands in for a card's number, which only the server knows

function errorsOf(values) {
  return {
    name: !values.name ? t("required") : values.name.length > NAME_MAX ? t("name_invalid") : "",
    id: !values.id_number ? t("required")
      : !ID_SHAPE.test(values.id_number) ? t("id_shape") : !validId(values.id_number) ? t("id_invalid") : "",
    phone: !values.phone ? t("required") : !PHONE_RE.test(values.phone) ? t("phone_invalid") : "",
  };
}

/** One party's values; marks its fields, returns whether they are right. */
function readParty(fs, out) {
  const i = fs.dataset.party;
  const name = $(`#name-${i}`);
  const id = $(`#id-${i}`);
  const phone = $(`#phone-${i}`);
  const card = fs.dataset.card; // read at a place kiosk (card.js): the card stands for name and number
  const values = card ? { card, phone: cleanPhone(phone.value) }
    : { name: name.value.trim(), id_number: cleanId(id.value), phone: cleanPhone(phone.value) };
  const errors = errorsOf(card ? { name: "-", id_number: VALID, phone: values.phone } : values);
  setFieldError(name, errors.name);
  setFieldError(id, errors.id);
  setFieldError(phone, errors.phone);
  out.push(values);
  return !(errors.name || errors.id || errors.phone);
}

/** The applicants as typed, or null after marking what is wrong. */
export function readApplicants() {
  const out = [];
  let ok = true;
  for (const fs of $$(".party")) if (!readParty(fs, out)) ok = false;
  const ids = out.map((a) => a.id_number || a.card);
  if (ok && new Set(ids).size !== ids.length) {
    setFieldError($(`#id-${ids.length - 1}`), t("same_person"));
    ok = false;
  }
  if (!ok) {
    showBox($("#form-error"), t("fix_fields"));
    const first = $(".party [aria-invalid=true]");
    if (first) first.focus();
    return null;
  }
  return out;
}

/** Put a server error on the field it is about, when it says which applicant. */
export function markField(e, applicants) {
  const d = e.details || {};
  const raw = String(d.message || "");
  // the server names the applicant (0-based) and the field; older answers only in the text
  const n = Number.isInteger(d.applicant) ? d.applicant + 1
    : Number((raw.match(/applicant (\d+)/) || [])[1] || (applicants.length === 1 ? 1 : 0));
  const fieldOf = { invalid_id_number: "id", invalid_phone: "phone" }[e.code]
    || { id_number: "id", phone: "phone", name: "name" }[d.field] || null;
  if (e.code === "duplicate_booking") {
    const last4 = (raw.match(/\*{6,}([0-9X]{4})/) || [])[1];
    const i = applicants.findIndex((a) => (a.id_number || "").endsWith(last4 || "----"));
    if (i >= 0) setFieldError($(`#id-${i}`), bookingMessage(e));
    return;
  }
  if (fieldOf && n >= 1 && n <= applicants.length) {
    const input = $(`#${fieldOf}-${n - 1}`);
    setFieldError(input, e.message);
    input.focus();
  }
}
