// The resident's page of a matter (/m/{code}): the last 4 of the ID number, then the steps as both
// centers see them, what to bring when documents are missing, the notice when it is ready, and the
// rating once it is delivered (一事一评). Refreshed every 30 s while open.
import { api } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";
import { LANG, pickLang, t } from "../lib/i18n.js";
import { docName, itemName, pick, siteName, statusName } from "./common.js";

const page = readJSON("page-data");
const CODE = page.code;
let verify = "";
let grade = null;

function when(iso) {
  return iso ? iso.slice(0, 16).replace("T", " ") : "—";
}

function show(m) {
  $("#verify-form").hidden = true;
  $("#matter").hidden = false;
  $("#m-item").textContent = itemName(m);
  $("#m-status").textContent = statusName(m);
  $("#m-due").textContent = m.due || "—";
  $("#m-accepted").textContent = siteName(m.accepted);
  $("#m-processing").textContent = siteName(m.processing);
  const notice = m.status === "ready" ? t("ready_notice", { site: siteName(m.processing) })
    : m.status === "returned" ? t("returned_notice")
    : m.status === "rejected" ? m.reason || "" : "";
  $("#m-notice").textContent = notice;
  $("#m-missing").replaceChildren(...m.missing.map((d) => el("li", {}, docName(d, t("elicence")))));
  $("#m-steps").replaceChildren(
    ...m.steps.map((s) => el("li", {}, el("strong", {}, pick(s.label, s.label_en)), ` · ${siteName(s.site)} · ${when(s.at)}`)),
  );
  $("#rate").hidden = !m.may_rate;
  if (m.may_rate && !$("#grades").children.length) buildRating(m);
}

function buildRating(m) {
  $("#grades").replaceChildren(
    ...m.grades.map((g) => {
      const id = `g${g.grade}`;
      const input = el("input", { type: "radio", name: "grade", id, value: g.grade, required: true });
      input.addEventListener("change", () => {
        grade = g.grade;
        $("#reasons-box").hidden = grade > 2;
      });
      return el("label", { class: "grade", for: id }, input, ` ${LANG === "en" ? g.label_en : g.label}`);
    }),
  );
  $("#reason").replaceChildren(...m.reasons.map((r) => el("option", { value: r.code }, LANG === "en" ? r.label_en : r.label)));
}

async function load() {
  const m = await api("GET", `/api/v1/matters/${encodeURIComponent(CODE)}?verify=${encodeURIComponent(verify)}`);
  show(m);
}

$("#verify-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  verify = $("#verify").value.trim().toUpperCase();
  try {
    await load();
    $("#verify-error").textContent = "";
  } catch (err) {
    $("#verify-error").textContent = err.status === 404 ? t("wrong") : pickLang(err.message);
  }
});

$("#rate-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (grade === null) return;
  const body = { verify, grade };
  if (grade <= 2) {
    body.reason = $("#reason").value;
    const comment = $("#comment").value.trim();
    if (comment) body.comment = comment;
  }
  try {
    await api("POST", `/api/v1/matters/${encodeURIComponent(CODE)}/evaluation`, { body });
    $("#rate-message").textContent = t("rated");
    for (const x of $("#rate-form").querySelectorAll("fieldset, #reasons-box, button[type=submit]")) x.hidden = true;
  } catch (err) {
    $("#rate-message").textContent = pickLang(err.message);
  }
});

setInterval(() => {
  if (verify) load().catch(() => {});
}, 30000);
