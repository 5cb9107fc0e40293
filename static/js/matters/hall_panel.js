// 限时办结 on the live hall page (templates/hall.html #matters-due): the site's matters near or past
// due, per clerk; a matter passing its due day alerts (the matter.overdue event, no code on the socket).
import { api, staffToken } from "../lib/api.js";
import { $, el } from "../lib/dom.js";
import { siteSocket } from "../lib/socket.js";
import { EVENTS } from "../events.js";
import { itemName, line } from "./common.js";

const box = $("#matters-due");
const SITE = box.dataset.site;
const TOKEN = staffToken();

async function load() {
  const b = await api("GET", `/api/v1/sites/${encodeURIComponent(SITE)}/matters/board`, { token: TOKEN });
  const rows = [...b.overdue, ...b.near].map((m) =>
    el("li", { class: `matter ${m.urgency}` }, el("strong", {}, m.urgency === "overdue" ? box.dataset.overdue : box.dataset.near),
      " ", line(m, (d) => d), ` · ${m.assignee || m.clerk}`),
  );
  $("#mdue-list").replaceChildren(...(rows.length ? rows : [el("li", { class: "muted" }, box.dataset.none)]));
}

load().catch(() => {});
setInterval(() => load().catch(() => {}), 60000);
siteSocket(SITE, {
  onSnapshot: () => load().catch(() => {}),
  onEvent: (ev) => {
    if (ev.type === EVENTS.MATTER_OVERDUE) {
      $("#mdue-alert").textContent = `${box.dataset.alert} ${itemName({ item_name: ev.data.item_name, item_name_en: ev.data.item_name_en })} (${ev.data.due})`;
      load().catch(() => {});
    } else if (ev.type === EVENTS.MATTER_UPDATED) load().catch(() => {});
  },
  staffToken: TOKEN,
});
