// What the matter pages share: names in the page's language, a matter's one-line summary.
import { el } from "../lib/dom.js";
import { LANG } from "../lib/i18n.js";

export const pick = (zh, en) => (LANG === "en" ? en || zh : zh);
export const siteName = (s) => (s ? pick(s.name, s.name_en) : "—");
export const itemName = (m) => pick(m.item_name, m.item_name_en);
export const statusName = (m) => pick(m.status_label, m.status_label_en);

/** A document's name, with the e-licence mark (电子证照) where an electronic licence replaces it. */
export function docName(d, markText) {
  const name = pick(d.name, d.name_en);
  return d.elicence ? el("span", {}, name, " ", el("span", { class: "elicence", title: markText }, markText)) : name;
}

/** "M260513ABCDEF · 居住证申领 · 办理中 · 应办结 2026-06-03" as an element. */
export function line(m, dueText) {
  const urgency = m.urgency && m.urgency !== "ok" ? el("span", { class: `badge ${m.urgency}` }, m.urgency) : null;
  return el(
    "span",
    { class: "matter-line" },
    el("strong", { class: "code" }, m.code),
    ` · ${itemName(m)} · ${statusName(m)}`,
    m.due ? ` · ${dueText(m.due)}` : "",
    ` · ${m.id_masked || ""}`,
    urgency,
  );
}
