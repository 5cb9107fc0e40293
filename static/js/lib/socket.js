// The reconnecting websocket every live page uses, and the site feed built on it.
import { SNAPSHOT } from "../events.js";

/**
 * A JSON websocket that comes back after a close, with an exponential backoff
 * (`first` ms, doubling, at most `max` ms; back to `first` once `settled(msg)` says the link works).
 * `url()` is asked at each connect (null: do not connect); `onClose(event)` returning false stops retrying.
 * Frames that are not JSON are dropped; a socket replaced by a newer one is ignored.
 */
export function reconnecting({ url, protocols, first = 500, max = 10000, settled = () => true, onMessage, onClose }) {
  let ws = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;

  function open() {
    clearTimeout(timer);
    const address = url();
    if (!address) return;
    const wanted = protocols ? protocols() : null;
    const sock = wanted ? new WebSocket(address, wanted) : new WebSocket(address);
    ws = sock;
    sock.addEventListener("message", (m) => {
      if (sock !== ws) return;
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      if (settled(msg)) attempt = 0;
      onMessage(msg);
    });
    sock.addEventListener("close", (e) => {
      if (sock !== ws) return;
      ws = null;
      const retry = onClose ? onClose(e) !== false : true;
      if (retry && !stopped) {
        const delay = Math.min(max, first * 2 ** attempt);
        attempt += 1;
        timer = setTimeout(open, delay);
      }
    });
  }

  open();
  return {
    get connected() { return ws !== null && ws.readyState === WebSocket.OPEN; },
    get open() { return ws !== null; },
    /** Open a new socket now (the old one, if any, is ignored from then on). */
    reopen: open,
    /** Close and stay closed; returns whether a socket was open. */
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (!ws) return false;
      const sock = ws;
      ws = null;
      sock.close();
      return true;
    },
    /** Connect again now (after stop, or to skip the backoff). */
    start() {
      stopped = false;
      attempt = 0;
      if (!ws) open();
    },
  };
}

const wsBase = () => `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
export const wsUrl = (path) => `${wsBase()}${path}`;

/**
 * The site's live feed: a snapshot, then events. Reconnects with ?since=<last seq> and a
 * backoff up to 10 s. Events replayed after a reconnect (seq <= the fresh snapshot's seq) are
 * passed with {replay: true}; duplicates are dropped. With staffToken the socket is a staff
 * member's: help.claimed/closed then say who (`data.by`).
 */
export function siteSocket(site, { onSnapshot, onEvent, onStatus, staffToken } = {}) {
  let lastSeq = null;
  let snapshotSeq = 0;
  const status = (s) => onStatus && onStatus(s);

  function onMessage(msg) {
    if (msg.type === SNAPSHOT) {
      const reconnect = lastSeq !== null;
      snapshotSeq = msg.seq;
      if (lastSeq === null || msg.seq < lastSeq) lastSeq = msg.seq;
      status("open");
      onSnapshot && onSnapshot(msg, { reconnect });
      return;
    }
    if (typeof msg.seq !== "number" || (lastSeq !== null && msg.seq <= lastSeq)) return;
    lastSeq = msg.seq;
    onEvent && onEvent(msg, { replay: msg.seq <= snapshotSeq });
  }

  const sock = reconnecting({
    url: () => wsUrl(`/ws/sites/${encodeURIComponent(site)}${lastSeq === null ? "" : `?since=${lastSeq}`}`),
    // a staff page passes its token as a subprotocol (never in the URL): web/live/sites.py staff_of
    protocols: staffToken ? () => ["hall.staff", staffToken] : null,
    settled: (msg) => msg.type === SNAPSHOT,
    onMessage,
    onClose: () => status("closed"),
  });
  return {
    get lastSeq() { return lastSeq; },
    /** Close and stay closed (tests, page teardown). */
    disconnect() {
      if (sock.stop()) status("closed");
    },
    /** Connect again now (after disconnect, or to skip the backoff). */
    connect() {
      sock.start();
    },
  };
}
