// The kiosk page's channel to its agent through the server (WS /ws/kiosks/{kiosk}/page):
// card identities (as one-time tokens, never the full ID number), scans, print results and
// the agent's state. Reconnects with backoff; the server sends the agent's state first.

export function deviceLink(kiosk, token, handlers) {
  let ws = null;
  let attempt = 0;
  let timer = null;

  function open() {
    clearTimeout(timer);
    const tok = token();
    if (!tok) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const sock = new WebSocket(`${proto}//${location.host}/ws/kiosks/${encodeURIComponent(kiosk)}/page?token=${encodeURIComponent(tok)}`);
    ws = sock;
    sock.addEventListener("message", (m) => {
      if (sock !== ws) return;
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      attempt = 0;
      const handler = handlers[msg.type];
      if (handler) handler(msg);
    });
    sock.addEventListener("close", (e) => {
      if (sock !== ws) return;
      ws = null;
      if (handlers.agent) handlers.agent({ online: false, link: false });
      if (e.code === 4401 || e.code === 4403) { // not this kiosk's token: nothing to retry
        if (handlers.unauthorised) handlers.unauthorised();
        return;
      }
      attempt += 1;
      timer = setTimeout(open, Math.min(30000, 500 * 2 ** attempt));
    });
  }

  open();
  return { reconnect: open, get connected() { return ws !== null && ws.readyState === WebSocket.OPEN; } };
}
