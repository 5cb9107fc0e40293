// The least busy center on a busy center's service screen: one small line under the services
// naming another open center where a number taken now would be clearly faster, counting the trip
// (GET /api/v1/district?near=<site>, its `faster`: the rule of core/least_busy.py, docs/district.md).
import { $, el } from "../lib/dom.js";
import { api } from "../lib/api.js";
import { LANG, t } from "../lib/i18n.js";

const EVERY_MS = 30_000; // the district changes slowly; the server keeps it for a second anyway

/**
 * @param {string} site this kiosk's site
 * @param {(service) => string} serviceName the service's name in the page's language
 */
export function nearbyHint(site, serviceName) {
  let asked = 0;
  let box = null;

  function line() {
    if (!box) {
      box = el("p", { id: "nearby-hint", class: "nearby-hint", role: "status", hidden: true });
      $("#services").after(box);
    }
    return box;
  }

  /** Show the hint for the busiest walk-in service that has one (at most every EVERY_MS). */
  async function refresh(services) {
    if (Date.now() - asked < EVERY_MS) return;
    asked = Date.now();
    try {
      const { faster } = await api("GET", `/api/v1/district?near=${encodeURIComponent(site)}`);
      const busy = services.filter((s) => s.walk_in && faster[s.id])
        .sort((a, b) => (b.estimated_wait_minutes || 0) - (a.estimated_wait_minutes || 0));
      const b = line();
      b.hidden = busy.length === 0;
      if (!busy.length) return;
      const h = faster[busy[0].id];
      b.textContent = t("faster_nearby", { service: serviceName(busy[0]), site: LANG === "en" ? h.name_en || h.name : h.name,
        km: h.distance_km, n: h.waiting, wait: h.estimated_wait_minutes });
    } catch { /* keep what is shown; the next refresh asks again */ }
  }

  return { refresh };
}
