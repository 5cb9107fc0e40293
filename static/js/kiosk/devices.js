// The kiosk page's channel to its agent through the server (WS /ws/kiosks/{kiosk}/page):
// card identities (as one-time tokens, never the full ID number), scans, print results and
// the agent's state. Reconnects with backoff; the server sends the agent's state first.
import { reconnecting, wsUrl } from "../lib/socket.js";

export function deviceLink(kiosk, token, handlers) {
  const sock = reconnecting({
    url: () => {
      const tok = token();
      return tok ? wsUrl(`/ws/kiosks/${encodeURIComponent(kiosk)}/page?token=${encodeURIComponent(tok)}`) : null;
    },
    first: 1000,
    max: 30000,
    onMessage: (msg) => {
      const handler = handlers[msg.type];
      if (handler) handler(msg);
    },
    onClose: (e) => {
      if (handlers.agent) handlers.agent({ online: false, link: false });
      if (e.code === 4401 || e.code === 4403) { // not this kiosk's token: nothing to retry
        if (handlers.unauthorised) handlers.unauthorised();
        return false;
      }
      return true;
    },
  });
  return { reconnect: sock.reopen, get connected() { return sock.connected; } };
}
