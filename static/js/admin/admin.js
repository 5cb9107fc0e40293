// Hall overview: the tables follow the hall every 30 s without reloading the page (a reload
// would move a keyboard or screen-reader user's place). The checkbox pauses it (WCAG 2.2.2).
import { $, $$ } from "../lib/dom.js";

const EVERY_MS = 30000;

async function update() {
  if (!$("#auto-refresh").checked) return;
  let html;
  try {
    const res = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
    if (!res.ok || res.redirected) return; // signed out: the next navigation shows the sign-in page
    html = await res.text();
  } catch {
    return;
  }
  const fresh = new DOMParser().parseFromString(html, "text/html");
  for (const section of $$(".admin-site")) {
    const other = fresh.getElementById(section.id);
    if (!other) continue;
    const title = section.querySelector("h2");
    const newTitle = other.querySelector("h2");
    if (title && newTitle && !title.contains(document.activeElement)) title.replaceChildren(...newTitle.childNodes);
    const bodies = $$("tbody", section);
    const newBodies = $$("tbody", other);
    bodies.forEach((body, i) => {
      if (newBodies[i] && !body.contains(document.activeElement)) body.replaceChildren(...newBodies[i].childNodes);
    });
  }
}

setInterval(update, EVERY_MS);
