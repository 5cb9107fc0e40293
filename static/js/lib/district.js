// The district now (GET /api/v1/district, SPEC 7), as the /district page and the place kiosks show
// it: a card per center with its state (open, or when it opens), hours, distance and each service's
// queue. Strings come from the page's i18n block (web/pages/district.py, web/pages/kiosk.py).
import { el } from "./dom.js";
import { LANG, t } from "./i18n.js";

export const nameOf = (x) => (LANG === "en" ? x.name_en || x.name : x.name);

/** "08:30", or "tomorrow 08:30" / "5月14日 08:30" when it is another day than ``at``. */
export function openingText(opensAt, at) {
  if (!opensAt) return "";
  const time = opensAt.slice(11, 16);
  const day = opensAt.slice(0, 10);
  const today = (at || "").slice(0, 10);
  if (day === today) return t("opens_at", { time });
  const next = new Date(`${today}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const label = next.toISOString().slice(0, 10) === day ? t("tomorrow") : day.slice(5).replace("-", "/");
  return t("opens_at_day", { day: label, time });
}

/** One service's queue: "3 waiting · about 12 min". */
export function queueText(service) {
  let text = t("waiting_n", { n: service.waiting });
  if (service.estimated_wait_minutes !== null && service.estimated_wait_minutes !== undefined) {
    text += ` · ${t("wait_about", { n: service.estimated_wait_minutes })}`;
  }
  return text;
}

/** A center as a list item; ``onPick`` makes the whole card a button (the place kiosk's choice). */
export function siteCard(site, at, { services = null, onPick = null } = {}) {
  const km = site.distance_km === null || site.distance_km === undefined ? null : t("km", { km: site.distance_km });
  const state = site.open_now
    ? el("span", { class: "badge ok", text: t("open_now") })
    : el("span", { class: "badge off", text: t("closed_now") });
  const when = site.open_now ? "" : openingText(site.opens_at, at);
  const hours = site.hours
    ? [site.hours.weekday, site.hours.weekend].filter(Boolean).join(" / ")
    : "";
  const shown = (services || site.services);
  const total = site.services.reduce((n, s) => n + (s.waiting || 0), 0);
  const head = el("div", { class: "district-head" },
    el("span", { class: "district-name", text: nameOf(site) }),
    state,
    km ? el("span", { class: "district-km", text: km }) : null);
  const meta = el("p", { class: "district-meta" },
    [when, hours, site.open_now ? t("total_waiting", { n: total }) : ""].filter(Boolean).join(" · "));
  const rows = el("ul", { class: "district-services" }, ...shown.map((s) => el("li", { dataset: { service: s.id } },
    el("span", { class: "ds-name", text: nameOf(s) }),
    el("span", { class: "ds-queue", text: site.open_now ? queueText(s) : "" }))));
  const body = [head, meta, site.address ? el("p", { class: "district-address", text: site.address }) : null, rows];
  const item = el("li", { class: `district-site${site.open_now ? "" : " closed"}`, dataset: { site: site.id } });
  if (onPick) {
    const button = el("button", { type: "button", class: "district-pick" }, ...body);
    button.addEventListener("click", () => onPick(site));
    item.append(button);
  } else {
    item.append(...body.filter(Boolean));
  }
  return item;
}
