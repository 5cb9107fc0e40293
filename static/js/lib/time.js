// Time on the page: the server's clock (it may be simulated, HALL_CLOCK), a clock element,
// and the two rate limiters the pages use.
import { formatDateTime, formatTime } from "./i18n.js";

// Keep the offset seen at page load.
const renderedAt = Date.parse(document.body.dataset.serverNow || "");
const clockOffset = Number.isNaN(renderedAt) ? 0 : renderedAt - Date.now();
export const serverNow = () => new Date(Date.now() + clockOffset);

/** Keep an element showing the server's local time. */
export function runClock(node, withDate = true) {
  if (!node) return;
  const tick = () => {
    const now = serverNow();
    node.textContent = withDate ? formatDateTime(now) : formatTime(now);
    node.dateTime = now.toISOString();
  };
  tick();
  setInterval(tick, 1000);
}

export function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return (...args) => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn(...args);
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn(...args);
      }, wait);
    }
  };
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
