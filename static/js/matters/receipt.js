// The receipt page (inline handlers are not allowed by the page's CSP): the browser's print, and the
// receipt sent to a kiosk's ESC/POS printer (POST /api/v1/matters/{code}/print).
import { api, staffToken } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { pickLang, t } from "../lib/i18n.js";

document.getElementById("print")?.addEventListener("click", () => window.print());
const form = $("#kiosk-print");
form?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const status = $("#kiosk-print-status");
  try {
    await api("POST", `/api/v1/matters/${encodeURIComponent(form.dataset.code)}/print`, { token: staffToken(), body: { kiosk: $("#print-kiosk").value } });
    status.textContent = t("sent");
  } catch (err) {
    status.textContent = pickLang(err.message);
  }
});
