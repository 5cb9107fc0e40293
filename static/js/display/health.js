// The display reports that it is alive (POST /api/v1/sites/{site}/displays/heartbeat with
// its device token), so /admin/devices can say whether the hall screen is on. The token
// arrives once in the URL fragment (#token=..., printed by `make run` and set up like a
// kiosk), then lives in local storage; a display without one simply does not report.
import { deviceToken } from "../lib/device.js";

const EVERY_MS = 10000;

/** Start reporting; ``body[data-health]`` says how it goes (none, ok, refused, failing). */
export function reportHealth(site) {
  const token = deviceToken("display-token");
  const url = `/api/v1/sites/${encodeURIComponent(site)}/displays/heartbeat`;
  const set = (state) => { document.body.dataset.health = state; };
  let timer = null;
  async function beat() {
    const tok = token();
    if (!tok) {
      set("none");
      return;
    }
    try {
      const res = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${tok}` }, cache: "no-store" });
      if (res.status === 401 || res.status === 403) {
        set("refused"); // a wrong or revoked token: retrying cannot help until it is replaced
        clearInterval(timer);
        return;
      }
      set(res.ok ? "ok" : "failing");
    } catch {
      set("failing"); // the socket's banner already says the server is unreachable
    }
  }
  beat();
  timer = setInterval(beat, EVERY_MS);
}
