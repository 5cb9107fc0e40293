// At a place kiosk (the hall_kiosk cookie its page sets for /book), the ID card reader fills an
// applicant of the booking form: the kiosk's agent reads the card, this page hears a one-time token
// with the masked name and number (never the number itself: SPEC 8), and the booking sends
// {card, phone} for that applicant (web/api/booking.py). Elsewhere (a phone) nothing happens.
import { $, $$, el } from "../lib/dom.js";
import { deviceToken } from "../lib/device.js";
import { stringsOf } from "../lib/i18n.js";
import { deviceLink } from "../kiosk/devices.js";

const cookie = (document.cookie.match(/(?:^|; )hall_kiosk=([^;]+)/) || [])[1];
const KIOSK = cookie ? decodeURIComponent(cookie) : null;

/** The kiosk's device token ("" on a phone): card tokens are good only with it. */
export const kioskToken = KIOSK ? deviceToken(`kiosk-token:${KIOSK}`) : () => "";

/** The applicant a card read goes to: the one being typed, else the first still empty. */
function target() {
  const typing = document.activeElement && document.activeElement.closest(".party");
  if (typing && !typing.dataset.card) return typing;
  return $$(".party").find((fs) => !fs.dataset.card && !$("input[name=id_number]", fs).value.trim()) || null;
}

function setRead(fs, msg, s) {
  const name = $("input[name=name]", fs);
  const id = $("input[name=id_number]", fs);
  if (msg) fs.dataset.card = msg.card;
  else delete fs.dataset.card;
  name.value = msg ? msg.name_masked : "";
  id.value = msg ? msg.masked : "";
  for (const input of [name, id]) {
    input.readOnly = Boolean(msg);
    input.removeAttribute("aria-invalid");
  }
  const old = $(".card-note", fs);
  if (old) old.remove();
  if (!msg) return;
  const again = el("button", { type: "button", class: "link-button" }, s("card_clear"));
  again.addEventListener("click", () => { setRead(fs, null, s); name.focus(); });
  fs.append(el("p", { class: "card-note", role: "status" }, s("card_filled", { name: msg.name_masked, id: msg.masked }), " ", again));
  $("input[name=phone]", fs).focus();
}

/** Listen to the kiosk's reader while the booking form (or the look-up's) is on this page: on the
 * look-up a card gives the last 4 characters of its number, all the look-up asks besides the code. */
export function fillFromCards() {
  if (!KIOSK || !kioskToken() || !($(".party") || $("#m-verify"))) return;
  const s = stringsOf("card-strings");
  deviceLink(KIOSK, kioskToken, {
    identity: (msg) => {
      const verify = $("#m-verify");
      if (verify && verify.offsetParent !== null) {
        verify.value = msg.masked.slice(-4);
        verify.dispatchEvent(new Event("input", { bubbles: true }));
        return;
      }
      const fs = target();
      if (fs) setRead(fs, msg, s);
    },
  });
}
