// "Take a number now" (现在取号, templates/book_now.html): a remote ticket for an open center
// (POST /api/v1/sites/{site}/remote-tickets), then its phone page /t/{id} (docs/district.md).
import { api } from "../lib/api.js";
import { $, el, readJSON } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";
import { validId } from "../lib/id_number.js";

const sites = readJSON("page-data") || [];
const form = $("#now-form");

function showServices() {
  const site = sites.find((s) => s.id === $("#now-site").value);
  $("#now-service").replaceChildren(
    ...(site ? site.services : []).map((s) => el("option", { value: s.id }, LANG === "en" ? s.name_en : s.name)),
  );
}

async function submit(ev) {
  ev.preventDefault();
  $("#now-id-error").textContent = "";
  $("#now-phone-error").textContent = "";
  $("#now-error").hidden = true;
  const id = $("#now-id").value.trim().toUpperCase();
  const phone = $("#now-phone").value.trim();
  if (!id) return void ($("#now-id-error").textContent = t("now_need_id"));
  if (!validId(id)) return void ($("#now-id-error").textContent = t("now_id_invalid"));
  if (phone && !/^1\d{10}$/.test(phone)) return void ($("#now-phone-error").textContent = t("now_phone_invalid"));
  const body = { service: $("#now-service").value, id_number: id };
  if (phone) body.phone = phone;
  $("#now-submit").disabled = true;
  try {
    const tk = await api("POST", `/api/v1/sites/${encodeURIComponent($("#now-site").value)}/remote-tickets`, { body });
    window.location.assign(`/t/${encodeURIComponent(tk.id)}`);
  } catch (e) {
    $("#now-error").textContent = e.message;
    $("#now-error").hidden = false;
    $("#now-submit").disabled = false;
  }
}

if (form) {
  $("#now-site").addEventListener("change", showServices);
  form.addEventListener("submit", submit);
  showServices();
}
