// Kiosk information screens: the service guide on the screen (what to bring, matter by matter,
// printable when the printer works) and the queues of the nearest open centers offering the
// same service (GET /api/v1/district?near=<site>, distances from the sites' coordinates).
import { $, el } from "../lib/dom.js";
import { api } from "../lib/api.js";
import { LANG, t } from "../lib/i18n.js";

/**
 * @param {object} shell the kiosk's frame (show, screen, say, elder)
 * @param {{site: string, guides: object, nearby: number, services: () => object[], open: () => boolean,
 *   chosen: () => object|null}} hall what the screens show
 * @param {{choose: (service) => void, print: (service) => void, back: () => void}} actions their buttons
 */
export function info(shell, hall, actions) {
  const guides = hall.guides || {};
  const name = (x) => (LANG === "en" ? x.name_en || x.name : x.name);
  const view = { guide: null, matter: 0, nearby: null, district: null };

  /** A row of service buttons (aria-pressed on the chosen one). Elder mode offers fewer at a
   * time (``hall.choices``, the chosen one first) and a "more services" button for the rest. */
  function chips(box, chosen, onPick) {
    const all = hall.services();
    const room = hall.choices || all.length;
    let shown = all;
    if (shell.elder && all.length > room) {
      const at = Math.max(0, all.findIndex((s) => s.id === chosen));
      const from = Number(box.dataset.from || at);
      shown = [...all, ...all].slice(from, from + room - 1);
      box.dataset.from = String(from);
    } else {
      delete box.dataset.from;
    }
    const buttons = shown.map((s) => {
      const b = el("button", { type: "button", class: "chip", "aria-pressed": s.id === chosen ? "true" : "false",
        dataset: { service: s.id }, text: name(s) });
      b.addEventListener("click", () => onPick(s.id));
      return b;
    });
    if (shown.length < all.length) {
      const next = el("button", { type: "button", class: "chip more", text: t("more_services") });
      next.addEventListener("click", () => {
        box.dataset.from = String((Number(box.dataset.from) + room - 1) % all.length);
        chips(box, chosen, onPick);
      });
      buttons.push(next);
    }
    box.replaceChildren(...buttons);
  }

  function firstService() {
    const chosen = hall.chosen();
    const list = hall.services();
    return (chosen && chosen.id) || (list.find((s) => s.walk_in) || list[0] || {}).id;
  }

  // -- the service guide ---------------------------------------------------------------------
  function renderGuide() {
    chips($("#guide-services"), view.guide, (id) => {
      view.guide = id;
      view.matter = 0;
      renderGuide();
      shell.say("guide");
    });
    const matters = guides[view.guide] || [];
    const m = matters[view.matter];
    $("#guide-matter").textContent = m ? name(m) : "";
    const docs = m ? (LANG === "en" && m.documents_en?.length ? m.documents_en : m.documents) : [];
    $("#guide-docs").replaceChildren(...docs.map((d) => el("li", { text: d })));
    $("#guide-empty").hidden = Boolean(m);
    $("#guide-empty").textContent = m ? "" : t("guide_empty");
    const many = matters.length > 1;
    for (const id of ["#guide-prev", "#guide-next", "#guide-page"]) $(id).hidden = !many;
    $("#guide-prev").disabled = view.matter === 0;
    $("#guide-next").disabled = view.matter >= matters.length - 1;
    $("#guide-page").textContent = many ? t("matter_of", { i: view.matter + 1, n: matters.length }) : "";
    const service = hall.services().find((s) => s.id === view.guide);
    $("#guide-take").hidden = !(service && service.walk_in && hall.open());
    $("#guide-print").hidden = document.body.dataset.printer !== "ok";
  }

  function openGuide(service = null) {
    delete $("#guide-services").dataset.from; // the chosen service's group first
    view.guide = service || firstService();
    view.matter = 0;
    shell.show("guide");
    renderGuide();
  }

  // -- nearby centers ------------------------------------------------------------------------
  function nearbyRow(site, service) {
    const km = site.distance_km === null || site.distance_km === undefined ? "" : t("km", { km: site.distance_km });
    let queue = t("waiting_n", { n: service.waiting });
    if (service.estimated_wait_minutes !== null && service.estimated_wait_minutes !== undefined) {
      queue += ` · ${t("wait_about", { n: service.estimated_wait_minutes })}`;
    }
    const when = site.open_now ? queue : t("opens_at", { time: (site.opens_at || "").slice(11, 16) });
    return el("li", { class: `nearby-site${site.open_now ? "" : " closed"}`, dataset: { site: site.id } },
      el("span", { class: "nearby-name", text: name(site) }),
      el("span", { class: "nearby-meta", text: [km, when].filter(Boolean).join(" · ") }));
  }

  function renderNearby() {
    chips($("#nearby-services"), view.nearby, (id) => { view.nearby = id; renderNearby(); });
    const sites = (view.district ? view.district.sites : []).filter((s) => s.id !== hall.site);
    const offering = sites
      .map((s) => ({ site: s, service: s.services.find((x) => x.id === view.nearby) }))
      .filter((x) => x.service);
    const open = offering.filter((x) => x.site.open_now);
    const shown = (open.length ? open : offering).slice(0, shell.elder ? hall.nearby - 1 : hall.nearby);
    $("#nearby-list").replaceChildren(...shown.map((x) => nearbyRow(x.site, x.service)));
    $("#nearby-empty").hidden = open.length > 0 || !view.district;
    $("#nearby-empty").textContent = open.length ? "" : t("nearby_none");
  }

  async function openNearby() {
    view.nearby = firstService();
    shell.show("nearby");
    renderNearby();
    try {
      view.district = await api("GET", `/api/v1/district?near=${encodeURIComponent(hall.site)}`);
    } catch {
      view.district = view.district || null;
    }
    if (shell.screen === "nearby") renderNearby();
  }

  function wire() {
    $("#guide-start").addEventListener("click", () => openGuide());
    $("#nearby-start").addEventListener("click", openNearby);
    $("#details-guide").addEventListener("click", () => openGuide(hall.chosen() && hall.chosen().id));
    $("#guide-prev").addEventListener("click", () => { view.matter -= 1; renderGuide(); });
    $("#guide-next").addEventListener("click", () => { view.matter += 1; renderGuide(); });
    $("#guide-print").addEventListener("click", () => actions.print(view.guide));
    $("#guide-take").addEventListener("click", () => actions.choose(view.guide));
    for (const id of ["#guide-back", "#nearby-back"]) $(id).addEventListener("click", () => actions.back());
  }

  return { wire, openGuide, openNearby };
}
