// Shared helpers for every page: translated strings, the JSON API, the site websocket,
// the server's clock. Plain ES module, no dependencies.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

export function readJSON(id) {
  const el = document.getElementById(id);
  if (!el) return {};
  try {
    return JSON.parse(el.textContent);
  } catch {
    return {};
  }
}

const STRINGS = readJSON("i18n");
export const LANG = document.body.dataset.lang === "en" ? "en" : "zh";

/** A translated string from the page's i18n block, with %(name)s placeholders filled. */
export function t(key, vars = {}) {
  let s = STRINGS[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.split(`%(${k})s`).join(String(v));
  return s;
}

/** Core messages are written "中文 / English": keep the page's language. */
export function pickLang(message) {
  if (!message) return "";
  const i = message.indexOf(" / ");
  if (i < 0) return message;
  return LANG === "en" ? message.slice(i + 3) : message.slice(0, i);
}

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details; // the error's extra fields: next_free, until, come_back_at, walk_in, field...
  }
}

/** Call the JSON API; throws ApiError with a readable message in the page's language. */
export async function api(method, path, { token, body } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", t("network_error"));
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error;
    throw new ApiError(res.status, (err && err.code) || `http_${res.status}`,
      err && err.message ? pickLang(err.message) : t("server_error"), err || {});
  }
  return data;
}

// The server's clock may be simulated (HALL_CLOCK): keep the offset seen at page load.
const renderedAt = Date.parse(document.body.dataset.serverNow || "");
const clockOffset = Number.isNaN(renderedAt) ? 0 : renderedAt - Date.now();
export const serverNow = () => new Date(Date.now() + clockOffset);

const TZ = "Asia/Shanghai";
export function formatTime(date, seconds = false) {
  const opts = { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TZ };
  if (seconds) opts.second = "2-digit";
  return new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "zh-CN", opts).format(date);
}

export function formatDateTime(date) {
  return new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "zh-CN", {
    month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TZ,
  }).format(date);
}

/** Keep an element showing the server's local time. */
export function runClock(el, withDate = true) {
  if (!el) return;
  const tick = () => {
    const now = serverNow();
    el.textContent = withDate ? formatDateTime(now) : formatTime(now);
    el.dateTime = now.toISOString();
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

/** Build an element: el("li", {class: "x", dataset: {seq: 3}}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

/**
 * The site's live feed: a snapshot, then events. Reconnects with ?since=<last seq> and an
 * exponential backoff up to 10 s. Events replayed after a reconnect (seq <= the fresh
 * snapshot's seq) are passed with {replay: true}; duplicates are dropped. With staffToken
 * the socket is a staff member's: help.claimed/closed then say who (`data.by`).
 */
export function siteSocket(site, { onSnapshot, onEvent, onStatus, staffToken } = {}) {
  let ws = null;
  let lastSeq = null;
  let snapshotSeq = 0;
  let attempt = 0;
  let timer = null;
  let stopped = false;

  const url = () => {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const since = lastSeq === null ? "" : `?since=${lastSeq}`;
    return `${proto}//${location.host}/ws/sites/${encodeURIComponent(site)}${since}`;
  };

  function open() {
    clearTimeout(timer);
    // a staff page passes its token as a subprotocol (never in the URL): web/live/sites.py staff_of
    const sock = staffToken ? new WebSocket(url(), ["hall.staff", staffToken]) : new WebSocket(url());
    ws = sock;
    sock.addEventListener("message", (m) => {
      if (sock !== ws) return;
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      if (msg.type === "snapshot") {
        attempt = 0;
        const reconnect = lastSeq !== null;
        snapshotSeq = msg.seq;
        if (lastSeq === null || msg.seq < lastSeq) lastSeq = msg.seq;
        onStatus && onStatus("open");
        onSnapshot && onSnapshot(msg, { reconnect });
        return;
      }
      if (typeof msg.seq !== "number" || (lastSeq !== null && msg.seq <= lastSeq)) return;
      lastSeq = msg.seq;
      onEvent && onEvent(msg, { replay: msg.seq <= snapshotSeq });
    });
    sock.addEventListener("close", () => {
      if (sock !== ws) return;
      ws = null;
      onStatus && onStatus("closed");
      if (!stopped) {
        const delay = Math.min(10000, 500 * 2 ** attempt);
        attempt += 1;
        timer = setTimeout(open, delay);
      }
    });
  }

  open();
  return {
    get lastSeq() { return lastSeq; },
    /** Close and stay closed (tests, page teardown). */
    disconnect() {
      stopped = true;
      clearTimeout(timer);
      if (ws) {
        const sock = ws;
        ws = null;
        sock.close();
        onStatus && onStatus("closed");
      }
    },
    /** Connect again now (after disconnect, or to skip the backoff). */
    connect() {
      stopped = false;
      attempt = 0;
      if (ws) return;
      open();
    },
  };
}
