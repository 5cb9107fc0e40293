// 办件 at the counter (templates/counter.html, docs/matters.md): while a ticket is served, open one or
// more matters for it (item, documents received on paper or replaced by an e-licence, home center),
// print the receipt; a 出证领证 visit shows the holder's ready matters here, handed over with one button.
import { api, staffToken } from "../lib/api.js";
import { $, el } from "../lib/dom.js";
import { pickLang, t } from "../lib/i18n.js";
import { docName, line, pick } from "../matters/common.js";

const s = (key, vars) => t(`matter_${key}`, vars);
const COUNTER = document.body.dataset.counter;
const TOKEN = staffToken();
const BASE = `/api/v1/counters/${encodeURIComponent(COUNTER)}/matters`;
const due = (day) => s("due", { day });
let state = null;

function receiptLink(m) {
  return el("a", { href: `/matters/${encodeURIComponent(m.code)}/receipt`, target: "_blank", rel: "noopener" }, s("receipt"));
}

function render() {
  const card = $("#matters-card");
  card.hidden = state === null;
  if (state === null) {
    window.dispatchEvent(new Event("resize")); // the waiting list refits (counter.js fitQueue)
    return;
  }
  $("#matters-collect").textContent = state.to_collect.length ? s("collect", { n: state.to_collect.length }) : "";
  const rows = [
    ...state.to_collect.map((m) => {
      const b = el("button", { type: "button", class: "button small primary" }, s("deliver"));
      b.addEventListener("click", () => deliver(m));
      return el("li", { class: "matter ready" }, line(m, due), b);
    }),
    ...state.matters.map((m) => el("li", { class: "matter" }, line(m, due), " ", receiptLink(m))),
  ];
  $("#matters-list").replaceChildren(...(rows.length ? rows : [el("li", { class: "muted" }, s("none"))]));
  window.dispatchEvent(new Event("resize"));
}

async function refresh() {
  try {
    state = await api("GET", BASE, { token: TOKEN });
    if (!state.ticket) state = null; // no ticket served here now
  } catch {
    state = null; // signed out, or the server is away
  }
  render();
}

async function deliver(m) {
  try {
    await api("POST", `/api/v1/matters/${encodeURIComponent(m.code)}/deliver`, { token: TOKEN });
  } catch (e) {
    $("#matters-collect").textContent = pickLang(e.message);
  }
  await refresh();
}

function docs(item) {
  const box = $("#matter-docs");
  box.replaceChildren(box.querySelector("legend"));
  for (const d of item.documents) {
    const paper = el("input", { type: "checkbox", name: "paper", value: d.index, id: `doc-p-${d.index}` });
    const row = el("div", { class: "doc-row" }, el("span", {}, docName(d, s("elicence")), d.optional ? ` (${s("optional")})` : ""),
      el("label", { for: `doc-p-${d.index}` }, paper, ` ${s("paper")}`));
    if (d.elicence) {
      const lic = el("input", { type: "checkbox", name: "licence", value: d.index, id: `doc-l-${d.index}` });
      row.append(el("label", { for: `doc-l-${d.index}` }, lic, ` ${s("elicence")}`));
      // on paper or by e-licence, not both (the server refuses both)
      paper.addEventListener("change", () => { if (paper.checked) lic.checked = false; });
      lic.addEventListener("change", () => { if (lic.checked) paper.checked = false; });
    }
    box.append(row);
  }
  $("#matter-home-box").hidden = item.processed !== "home";
  $("#matter-home").required = item.processed === "home";
}

function openDialog() {
  if (state === null || document.querySelector("dialog[open]")) return;
  const sel = $("#matter-item");
  sel.replaceChildren(...state.items.map((i) => el("option", { value: i.id }, `${pick(i.name, i.name_en)} (${i.days})`)));
  $("#matter-home").replaceChildren(el("option", { value: "" }, "—"),
    ...state.sites.map((x) => el("option", { value: x.id }, pick(x.name, x.name_en))));
  $("#form-matter").reset();
  $("#matter-error").textContent = "";
  if (state.items.length) docs(state.items[0]);
  $("#dlg-matter").showModal();
  sel.focus();
}

$("#matter-item").addEventListener("change", (e) => {
  const item = state.items.find((i) => i.id === e.target.value);
  if (item) docs(item);
});

$("#form-matter").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const checked = (name) => [...f.querySelectorAll(`input[name=${name}]:checked`)].map((x) => Number(x.value));
  const body = { item: $("#matter-item").value, paper: checked("paper"), licence: checked("licence") };
  for (const key of ["id_number", "home_site", "phone", "note"]) {
    const v = f.elements[key].value.trim();
    if (v && !(key === "home_site" && $("#matter-home-box").hidden)) body[key] = v;
  }
  try {
    const m = await api("POST", BASE, { token: TOKEN, body });
    $("#dlg-matter").close();
    await refresh();
    $("#matters-collect").textContent = m.status === "returned" ? s("returned", { code: m.code }) : s("accepted", { code: m.code, due: m.due });
    window.open(`/matters/${encodeURIComponent(m.code)}/receipt`, "_blank", "noopener");
  } catch (err) {
    $("#matter-error").textContent = pickLang(err.message);
  }
});

$("#matter-open").addEventListener("click", openDialog);
document.addEventListener("keydown", (e) => {
  if (e.key.toLowerCase() !== "m" || e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
  if (e.target && e.target.closest && e.target.closest("input, select, textarea")) return;
  e.preventDefault();
  openDialog();
});
// the counter page rewrites the current ticket's number whenever it changes: follow it
new MutationObserver(() => refresh()).observe($("#t-number"), { childList: true, characterData: true, subtree: true });
refresh();
