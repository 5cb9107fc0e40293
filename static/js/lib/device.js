// Device pages (kiosk, display, pad) hold a device token. It arrives once in the URL fragment
// (#token=..., printed by `make run` and `server.py device token`), then lives in localStorage
// under the page's key; the fragment is taken out of the address bar and the history.

/** Capture the fragment's token now; returns the function that reads the token ("" when none). */
export function deviceToken(key) {
  let memory = ""; // private mode: the token is kept for this page only
  const m = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (m) {
    memory = decodeURIComponent(m[1]);
    try {
      localStorage.setItem(key, memory);
    } catch { /* kept in memory */ }
    history.replaceState(null, "", location.pathname + location.search);
  }
  return () => {
    try {
      return localStorage.getItem(key) || memory;
    } catch {
      return memory;
    }
  };
}
