// The registry's hall display on a peak day (docs/peak-days.md): today's ceremony sessions with the
// couples' places left, read from the public API (counts only, no names) once a minute. A day
// without sessions shows nothing.
import { $, el, readJSON } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { serverNow } from "../lib/time.js";

const SITE = readJSON("page-data").site;
const REFRESH_MS = 60000;
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(serverNow());
const name = (s, field) => (LANG === "en" && s[`${field}_en`]) || s[field];

async function refresh() {
  let day = null;
  try {
    const res = await fetch(`/api/v1/sites/${encodeURIComponent(SITE)}/ceremonies?date=${today()}`, { cache: "no-store" });
    day = res.ok ? await res.json() : null;
  } catch {
    return; // keep what is shown; the next minute tries again
  }
  const sessions = day ? day.sessions : [];
  $("#ceremonies-list").replaceChildren(...sessions.map((s) => el("li", {},
    el("span", { class: "cs-time", text: s.starts }),
    el("span", { text: `${name(s, "hall")} · ${name(s, "theme")}` }),
    el("span", { class: "cs-left", text: s.remaining ? t("ceremony_left", { n: s.remaining }) : t("ceremony_full_short") }))));
  $("#ceremonies-panel").hidden = !sessions.length;
}

refresh();
setInterval(refresh, REFRESH_MS);
