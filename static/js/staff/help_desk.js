// Help requests (帮办) on staff pages (live hall, counter): one list per page, kept current by
// the site socket's help.* events; claim and close through the API. Who claimed comes from the
// staff view or from a staff socket's event (`by`); a public socket never carries it.
import { api } from "../lib/api.js";
import { el } from "../lib/dom.js";
import { formatTime, t } from "../lib/i18n.js";
import { EVENTS } from "../events.js";

export function helpDesk(container, { site, token, live, onChange } = {}) {
  let items = []; // live requests, newest first
  let note = "";
  const base = `/api/v1/sites/${encodeURIComponent(site)}/help`;
  const hhmm = (iso) => (iso ? formatTime(new Date(iso)) : "—");

  function upsert(h) {
    items = items.filter((x) => x.id !== h.id);
    if (h.status !== "closed") items.unshift(h);
    items.sort((a, b) => b.id - a.id);
  }

  async function act(h, action) {
    let focus = null;
    try {
      upsert(await api("POST", `${base}/${h.id}/${action}`, { token }));
      note = action === "close" ? t("help_closed_note", { kiosk: h.kiosk_name || t("kiosk") }) : "";
      focus = action === "claim" ? `close:${h.id}` : null;
    } catch (e) {
      if (e.code === "help_taken") {
        upsert({ ...h, status: "claimed", claimed_by: e.details.claimed_by });
        note = t("help_taken", { name: e.details.claimed_by });
      } else if (e.code === "help_closed" || e.code === "help_not_found") {
        upsert({ ...h, status: "closed" });
        note = t("help_already_closed");
      } else note = e.message;
    }
    render(focus);
  }

  function row(h) {
    const who = h.kiosk_name || t("kiosk");
    const state = h.status === "claimed"
      ? (h.claimed_by ? t("help_claimed_by", { name: h.claimed_by }) : t("help_claimed"))
      : t("help_open");
    const buttons = [];
    if (h.status === "open") {
      const claim = el("button", { type: "button", class: "button primary", dataset: { key: `claim:${h.id}` } }, t("help_claim"));
      claim.addEventListener("click", () => act(h, "claim"));
      buttons.push(claim);
    }
    const close = el("button", { type: "button", class: "button", dataset: { key: `close:${h.id}` } }, t("help_close"));
    close.addEventListener("click", () => act(h, "close"));
    buttons.push(close);
    return el("div", { class: `alert alert-help help-${h.status}`, role: "group", dataset: { help: String(h.id) },
      "aria-label": t("help_alert", { kiosk: who }) },
      el("span", { class: "help-text" }, `${hhmm(h.opened_at)} ${t("help_alert", { kiosk: who })}`),
      el("span", { class: `pill help-state help-state-${h.status}` }, state),
      el("span", { class: "help-actions" }, ...buttons));
  }

  function render(focusKey = null) {
    const nodes = items.map(row);
    if (note) nodes.push(el("p", { class: "help-note", role: "status" }, note));
    container.replaceChildren(...nodes);
    container.hidden = !nodes.length;
    const target = focusKey && container.querySelector(`[data-key="${focusKey}"]`);
    if (target) target.focus();
    if (onChange) onChange(items);
  }

  return {
    set(list) {
      items = [];
      for (const h of list || []) upsert(h);
      render();
    },
    async load() {
      try {
        this.set(await api("GET", base, { token }));
      } catch {
        /* the next event or reload tries again */
      }
    },
    apply(ev) {
      const d = ev.data || {};
      const known = items.find((x) => x.id === d.help);
      if (ev.type === EVENTS.HELP_REQUESTED) {
        if (!known) upsert({ id: d.help, kiosk: d.kiosk, kiosk_name: d.kiosk_name, status: "open", opened_at: ev.at });
        if (!known && live) live.textContent = t("help_alert", { kiosk: d.kiosk_name || t("kiosk") });
      } else if (ev.type === EVENTS.HELP_CLAIMED) {
        upsert({ ...(known || { id: d.help, kiosk: d.kiosk, kiosk_name: d.kiosk_name, opened_at: ev.at }),
          status: "claimed", claimed_by: d.by || (known && known.claimed_by) || null });
      } else if (ev.type === EVENTS.HELP_CLOSED) {
        items = items.filter((x) => x.id !== d.help);
      } else return;
      note = "";
      render();
    },
    get items() { return items; },
  };
}
