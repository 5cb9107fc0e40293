// Phone page following one ticket: re-read it whenever the site's feed moves (debounced).
import { $, api, debounce, LANG, readJSON, siteSocket, t } from "./common.js";

const initial = readJSON("page-data");
const ID = document.body.dataset.ticket;
const FINAL = new Set(["done", "cancelled", "expired"]);
let lastStatus = initial.status;
let finished = FINAL.has(initial.status);

function render(tk) {
  document.body.className = `ticket-page status-${tk.status}`;
  $("#t-number").textContent = tk.number;
  $("#t-service").textContent = LANG === "en" ? tk.service_name_en : tk.service_name;
  $("#t-status").textContent = t(`status_${tk.status}`);
  const waiting = tk.status === "waiting";
  $("#row-ahead").hidden = !waiting;
  $("#row-wait").hidden = !waiting;
  $("#t-ahead").textContent = String(tk.people_ahead);
  $("#t-wait").textContent = tk.estimated_wait_minutes === null || tk.estimated_wait_minutes === undefined
    ? "—" : t("minutes", { n: tk.estimated_wait_minutes });
  const call = tk.counter && (tk.status === "called" || tk.status === "serving")
    ? t("call_sentence", { number: tk.number, counter: tk.counter.number }) : "";
  if ($("#t-call").textContent !== call) $("#t-call").textContent = call;
  if (tk.status === "called" && lastStatus !== "called" && navigator.vibrate) navigator.vibrate([300, 150, 300]);
  lastStatus = tk.status;
}

async function refresh() {
  try {
    const tk = await api("GET", `/api/v1/tickets/${encodeURIComponent(ID)}`);
    render(tk);
    $("#conn").textContent = "";
    if (FINAL.has(tk.status)) {
      finished = true;
      feed.disconnect();
    }
  } catch (e) {
    $("#conn").textContent = e.message;
  }
}

const refreshSoon = debounce(refresh, 500);
render(initial);
const feed = siteSocket(initial.site, {
  onSnapshot: refreshSoon,
  onEvent: refreshSoon,
  onStatus: (s) => { $("#conn").textContent = s === "open" || finished ? "" : t("connecting"); },
});
if (FINAL.has(initial.status)) feed.disconnect();
