// A site's matters for its staff (templates/matters.html): act on each with the step buttons the
// server allows for its status; supervisors also see the time limits per clerk, follow-ups, on-time figures.
import { api, staffToken } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";
import { pickLang, t } from "../lib/i18n.js";
import { line, pick, siteName } from "./common.js";

const page = readJSON("page-data");
const SITE = page.site;
const TOKEN = staffToken();
const due = (day) => t("due", { day });

// the steps a status allows, and who acts: "holder" (the site holding it) or either center
const STEPS = {
  accepted: ["hand-off", "start", "return", "reject"],
  handed_off: ["start", "return", "reject"],
  in_progress: ["ready", "return", "reject"],
  ready: ["deliver"],
  returned: ["reopen", "reject"],
};
const KEY = { "hand-off": "hand_off" };

function message(text) {
  $("#message").textContent = text;
}

function stepAllowed(m, step) {
  const cross = m.processing_site !== m.accepted_site;
  if (step === "hand-off") return cross && m.accepted_site === SITE;
  if (step === "start" && m.status === "accepted") return !cross && m.holder === SITE;
  if (m.status === "returned") return true;
  return m.holder === SITE;
}

async function act(m, step) {
  const body = {};
  if (step === "reject") {
    const note = window.prompt(t("reason_prompt"));
    if (!note) return;
    body.note = note;
  } else if (step === "return") {
    const note = window.prompt(t("missing_prompt"));
    if (!note) return;
    body.note = note;
  } else if (step === "reopen") {
    const full = await api("GET", `/api/v1/matters/${m.code}`, { token: TOKEN });
    body.paper = full.missing.map((d) => d.index);
  }
  try {
    await api("POST", `/api/v1/matters/${encodeURIComponent(m.code)}/${step}`, { token: TOKEN, body });
    message(`${m.code}: ${t("saved")}`);
    await refresh();
  } catch (e) {
    message(pickLang(e.message));
  }
}

function item(m) {
  const li = el("li", { class: `matter ${m.urgency}`, dataset: { code: m.code } }, line(m, due));
  li.append(el("span", { class: "muted" }, ` ${siteName(m.accepted)} → ${siteName(m.processing)}`));
  const bar = el("span", { class: "matter-actions" });
  for (const step of STEPS[m.status] || []) {
    if (!stepAllowed(m, step)) continue;
    const b = el("button", { type: "button", class: "button small", dataset: { step } }, t(KEY[step] || step));
    b.addEventListener("click", () => act(m, step));
    bar.append(b);
  }
  li.append(bar);
  return li;
}

function fill(list, items) {
  list.replaceChildren(...(items.length ? items.map(item) : [el("li", { class: "muted" }, t("none"))]));
}

async function refresh() {
  const all = await api("GET", `/api/v1/sites/${SITE}/matters`, { token: TOKEN });
  fill($("#incoming"), all.filter((m) => m.status === "handed_off" && m.processing_site === SITE));
  fill($("#open"), all.filter((m) => ["accepted", "in_progress"].includes(m.status) || (m.status === "handed_off" && m.processing_site !== SITE)));
  fill($("#waiting"), all.filter((m) => ["returned", "ready"].includes(m.status)));
  if (page.supervisor) await refreshBoard();
}

async function refreshBoard() {
  const b = await api("GET", `/api/v1/sites/${SITE}/matters/board`, { token: TOKEN });
  $("#due-summary").textContent = `${t("open")}: ${b.open} · ${t("near")}: ${b.near.length} · ${t("overdue")}: ${b.overdue.length}`;
  $("#by-clerk").replaceChildren(
    ...b.by_clerk.map((c) =>
      el("tr", { class: c.overdue ? "overdue" : "" }, el("td", {}, c.clerk), el("td", {}, c.open), el("td", {}, c.near), el("td", {}, c.overdue)),
    ),
  );
  const fu = $("#followups");
  fu.replaceChildren(
    ...(b.followups.length
      ? b.followups.map((f) => {
          const li = el("li", { class: f.overdue ? "matter overdue" : "matter" },
            el("strong", {}, f.code), ` · ${pick(f.item_name, f.item_name_en)} · ${pick(f.grade_label, f.grade_label_en)} (${f.grade})`,
            ` · ${pick(f.reason_label || "", f.reason_label_en)} · ${due(f.followup_due)}`);
          const b2 = el("button", { type: "button", class: "button small" }, t("record_followup"));
          b2.addEventListener("click", async () => {
            const result = window.prompt(t("followup_prompt"));
            if (!result) return;
            try {
              await api("POST", `/api/v1/matters/ratings/${f.id}/followup`, { token: TOKEN, body: { result } });
              await refreshBoard();
            } catch (e) {
              message(pickLang(e.message));
            }
          });
          li.append(" ", b2);
          return li;
        })
      : [el("li", { class: "muted" }, t("none"))]),
  );
}

refresh().catch((e) => message(pickLang(e.message)));
setInterval(() => refresh().catch(() => {}), 30000);
