// The registry's day view (templates/partials/peak_ballot.html): a supervisor runs a ballot's draw once
// it is due (POST /api/v1/ballots/{id}/draw), then the page reloads with the result; the staff find a
// couple's entry by its code or the last 4 of an ID number, and enter a couple at the front desk while
// the window is open (staff are exempt from the proof of work).
import { api, staffToken } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const desk = $("#ballot-desk");
const button = $("#ballot-draw");
const find = $("#ballot-find");
const entry = $("#desk-entry");

async function enter(ev) {
  ev.preventDefault();
  const f = new FormData(entry);
  const applicants = [0, 1].map((i) => ({
    name: String(f.get(`name-${i}`) || "").trim(),
    id_number: String(f.get(`id-${i}`) || "").trim(),
    phone: String(f.get(`phone-${i}`) || "").trim(),
  }));
  const ceremony = String(f.get("ceremony") || "");
  const box = $("#desk-entry-status");
  const submit = entry.querySelector("button[type=submit]");
  submit.disabled = true;
  try {
    const e = await api("POST", `/api/v1/ballots/${encodeURIComponent(desk.dataset.ballot)}/entries`,
      { token: staffToken(), body: { applicants, ...(ceremony ? { ceremony } : {}) } });
    box.textContent = t("desk_entered", { code: e.entry_code });
    box.classList.remove("error");
    entry.reset();
  } catch (e) {
    box.textContent = e.status === 401 ? t("sign_in_again") : e.message;
    box.classList.add("error");
  } finally {
    submit.disabled = false;
  }
}

async function drawNow() {
  const box = $("#ballot-status");
  button.disabled = true;
  try {
    const b = await api("POST", `/api/v1/ballots/${encodeURIComponent(desk.dataset.ballot)}/draw`,
      { token: staffToken(), body: {} });
    box.textContent = t("ballot_drawn", { places: b.result.places, entries: b.result.entry_codes.length });
    box.classList.remove("error");
    setTimeout(() => location.reload(), 800);
  } catch (e) {
    box.textContent = e.status === 401 ? t("sign_in_again") : e.message;
    box.classList.add("error");
    button.disabled = false;
  }
}

function filter() {
  const q = find.value.trim().toUpperCase();
  for (const row of desk.querySelectorAll("#ballot-table tbody tr")) {
    row.hidden = q !== "" && !row.dataset.find.toUpperCase().includes(q);
  }
}

if (button) button.addEventListener("click", drawNow);
if (find) find.addEventListener("input", filter);
if (entry) entry.addEventListener("submit", enter);
