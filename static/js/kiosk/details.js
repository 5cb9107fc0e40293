// Taking a number: the chosen service's details screen (ID number typed or a card read, the
// green-channel class, also on elder mode's own priority screen), then the ticket.
import { $, $$ } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { validId } from "../lib/id_number.js";
import { serviceName } from "./services.js";

/**
 * @param {{shell: object, card: object, send: (path, body) => Promise, ds: (key) => string,
 *   outcome: {ticket: (ticket) => void, refused: () => void, closed: (message) => void}}} opts
 * `send` posts to the site's API with the kiosk's token; `outcome` says what became of the request.
 */
export function detailsScreen({ shell, card, send, ds, outcome }) {
  let chosen = null;
  let priority = "normal";
  let busy = false;

  /** The green-channel class: the toggles of the details screen and elder mode's own screen agree. */
  function setPriority(p) {
    priority = p;
    for (const b of $$(".prio, .prio-choice[aria-pressed]")) {
      b.setAttribute("aria-pressed", b.dataset.priority === p ? "true" : "false");
    }
    $("#priority-chosen").textContent = p === "normal" ? "" : `✓ ${t(`priority_${p}`)}`;
  }

  function clear() {
    chosen = null;
    setPriority("normal");
    $("#id-number").value = "";
    $("#id-error").textContent = "";
  }

  function open(service) {
    chosen = service;
    $("#details-title").textContent = serviceName(service);
    $("#id-label").textContent = service.real_name ? t("id_required") : t("id_optional");
    shell.show("details");
    $("#id-number").focus();
  }

  async function take() {
    if (busy || !chosen) return;
    const id = $("#id-number").value.trim().toUpperCase();
    if (id && !validId(id)) {
      $("#id-error").textContent = t("id_invalid");
      return;
    }
    const read = id ? null : card.valid();
    if (!id && !read && chosen.real_name) {
      $("#id-error").textContent = t("id_needed");
      return;
    }
    const body = { service: chosen.id, priority };
    if (id) body.id_number = id;
    else if (read) body.card = read.token;
    busy = true;
    $("#take").disabled = true;
    try {
      const ticket = await send("tickets", body);
      if (read) card.clear();
      outcome.ticket(ticket);
    } catch (e) {
      if (e.status === 401 || e.status === 403) { outcome.refused(); return; }
      shell.message(e.code === "card_expired" ? ds("card_expired") : e.message);
      if (e.code === "card_expired") card.clear();
      if (e.code === "invalid_id_number") $("#id-error").textContent = e.message;
      if (e.code === "site_closed") outcome.closed(e.message);
    } finally {
      busy = false;
      $("#take").disabled = false;
    }
  }

  function wire() {
    $("#priority-open").addEventListener("click", () => shell.show("priority"));
    for (const b of $$(".prio-choice")) {
      b.addEventListener("click", () => {
        setPriority(b.dataset.priority);
        shell.show("details");
        $("#priority-open").focus();
      });
    }
    for (const b of $$(".prio")) {
      b.addEventListener("click", () => {
        setPriority(b.getAttribute("aria-pressed") !== "true" ? b.dataset.priority : "normal");
        shell.touch();
      });
    }
    const input = $("#id-number");
    input.addEventListener("input", () => {
      input.value = input.value.toUpperCase().replace(/[^0-9X]/g, "").slice(0, 18);
      $("#id-error").textContent = "";
      shell.touch();
    });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") take(); });
    $("#take").addEventListener("click", take);
  }

  return { get chosen() { return chosen; }, open, clear, wire };
}
