// The first screen's services: a tile per service with its queue and estimated wait, paged;
// in elder mode walk-in services only, a few tiles a screen, behind "take a number".
import { $, el } from "../lib/dom.js";
import { api } from "../lib/api.js";
import { LANG, t } from "../lib/i18n.js";
import { nearbyHint } from "./nearby.js";

export const serviceName = (s) => (LANG === "en" ? s.name_en || s.name : s.name);
const serviceSub = (s) => (LANG === "en" ? s.name : s.name_en);

/**
 * @param {{site: string, services: object[], open: boolean, shell: object, timing: object,
 *   onChoose: (service) => void, onOpenChange: () => void}} opts
 */
export function servicesScreen({ site, services, open, shell, timing, onChoose, onOpenChange }) {
  const state = { list: services || [], open, pageIndex: 0, picking: false };
  const nearby = nearbyHint(site, serviceName);

  function button(s) {
    let meta;
    if (!s.walk_in) meta = t("appointment_only");
    else {
      meta = t("waiting_n", { n: s.waiting });
      if (s.estimated_wait_minutes !== null && s.estimated_wait_minutes !== undefined) {
        meta += ` · ${t("wait_about", { n: s.estimated_wait_minutes })}`;
      }
    }
    return el("button", { type: "button", class: "service", dataset: { service: s.id }, disabled: !s.walk_in,
      "aria-disabled": s.walk_in ? null : "true" },
    el("span", { class: "service-name", text: serviceName(s) }),
    el("span", { class: "service-sub", lang: LANG === "en" ? "zh-CN" : "en", text: serviceSub(s) }),
    el("span", { class: "service-meta", text: meta }));
  }

  /** Elder mode: walk-in services only, a few tiles with "more services". */
  function renderElder(grid) {
    const items = state.list.filter((s) => s.walk_in);
    const slots = timing.elder_choices;
    const paged = items.length > slots;
    const size = paged ? slots - 1 : slots;
    const pages = Math.max(1, Math.ceil(items.length / size));
    state.pageIndex %= pages;
    const tiles = items.slice(state.pageIndex * size, (state.pageIndex + 1) * size).map(button);
    if (paged) {
      tiles.push(el("button", { type: "button", class: "service more", id: "more-services" },
        el("span", { class: "service-name", text: t("more_services") }),
        el("span", { class: "service-meta", text: t("page_of", { page: state.pageIndex + 1, pages }) })));
    }
    grid.replaceChildren(...tiles);
    $("#pager").hidden = true;
  }

  function render() {
    const grid = $("#services");
    if (shell.elder) {
      renderElder(grid);
      return;
    }
    const size = state.list.length || 1;
    const pages = Math.max(1, Math.ceil(state.list.length / size));
    state.pageIndex = Math.min(state.pageIndex, pages - 1);
    const shown = state.list.slice(state.pageIndex * size, (state.pageIndex + 1) * size);
    grid.replaceChildren(...shown.map(button));
    $("#pager").hidden = pages <= 1;
    $("#pager .page-info").textContent = t("page_of", { page: state.pageIndex + 1, pages });
    $("#pager .page-prev").disabled = state.pageIndex === 0;
    $("#pager .page-next").disabled = state.pageIndex >= pages - 1;
  }

  /** Elder mode: the first screen offers what to do; "take a number" then shows the services. */
  function setPicking(on) {
    state.picking = on;
    state.pageIndex = 0;
    $("#screen-services").classList.toggle("picking", on);
    render();
    shell.show("services");
  }

  /** Back to the first page, not picking (elder mode changed, or the next resident). */
  function reset() {
    state.picking = false;
    state.pageIndex = 0;
    $("#screen-services").classList.remove("picking");
    render();
  }

  async function refresh() {
    try {
      const detail = await api("GET", `/api/v1/sites/${encodeURIComponent(site)}`);
      state.list = detail.services;
      const wasOpen = state.open;
      state.open = detail.open_now;
      if (state.open) nearby.refresh(state.list);
      if (shell.screen === "services" || shell.screen === "closed") {
        render();
        if (wasOpen !== state.open) onOpenChange();
      }
    } catch { /* keep what is shown; the next event or tick retries */ }
  }

  function wire() {
    $("#services").addEventListener("click", (e) => {
      const b = e.target.closest(".service");
      if (b && b.id === "more-services") {
        state.pageIndex += 1;
        render();
        $("#services .service").focus();
        shell.say("services");
      } else if (b && !b.disabled) choose(b.dataset.service);
    });
    $("#pager .page-prev").addEventListener("click", () => { state.pageIndex -= 1; render(); });
    $("#pager .page-next").addEventListener("click", () => { state.pageIndex += 1; render(); });
    $("#take-start").addEventListener("click", () => { setPicking(true); $("#services .service").focus(); });
    $("#services-back").addEventListener("click", () => { setPicking(false); $("#take-start").focus(); });
  }

  /** Take a number for this service (walk-in ones only); returns whether it could. */
  function choose(id) {
    const s = state.list.find((x) => x.id === id);
    if (!s || !s.walk_in) return false;
    onChoose(s);
    return true;
  }

  return {
    get list() { return state.list; },
    get open() { return state.open; },
    set open(v) { state.open = v; },
    get picking() { return state.picking; },
    render, reset, refresh, choose, wire,
  };
}
