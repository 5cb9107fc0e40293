// The booking pages at a place kiosk (templates/book_base.html, when the kiosk's page set the
// hall_kiosk cookie): a shared screen, so after two minutes untouched it goes back to the kiosk's
// first screen and nothing typed stays for the next resident.
const link = document.querySelector(".kiosk-home"); // "back to the kiosk", rendered with the cookie
const IDLE_MS = 120000;
let timer = null;

function home() {
  location.replace(link.href);
}

function touched() {
  clearTimeout(timer);
  timer = setTimeout(home, IDLE_MS);
}

if (link) {
  for (const type of ["pointerdown", "keydown", "input"]) document.addEventListener(type, touched, { passive: true });
  touched();
}
