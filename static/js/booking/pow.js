// The proof of work a public booking or ballot entry carries (docs/peak-days.md): a challenge from
// the server, solved in a module worker (pow_worker.js) while the resident types, sent back base64
// in the X-Altcha header. Each solution works once: the next one is prepared after each use.
import { solve } from "./pow_worker.js";

const MAX_AGE_MS = 4 * 60 * 1000; // the server's challenges expire after 5 minutes (config)
let pending = null;

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function inWorker(challenge) {
  if (typeof Worker === "undefined") return Promise.resolve({ number: solve(challenge), took: 0 });
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./pow_worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (ev) => { worker.terminate(); resolve(ev.data); };
    worker.onerror = (ev) => { worker.terminate(); reject(ev); };
    worker.postMessage(challenge);
  });
}

async function prepare() {
  const res = await fetch("/api/v1/pow/challenge", { cache: "no-store", headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`challenge ${res.status}`);
  const c = await res.json();
  if (c.off) return { header: "", at: Date.now() }; // the proof of work is turned off (config)
  const { number, took } = await inWorker(c);
  document.documentElement.dataset.powMs = String(took); // what a phone spent (tests and the curious read it)
  const payload = { algorithm: c.algorithm, challenge: c.challenge, number, salt: c.salt, signature: c.signature };
  return { header: base64(JSON.stringify(payload)), at: Date.now() };
}

/** Start solving now (call when the form shows), so that pressing the button does not wait. */
export function warmUp() {
  if (!pending) pending = prepare().catch(() => null);
  return pending;
}

/** The header for one request: {"X-Altcha": ...}; an empty object if no solution could be made
 * (the server then answers pow_required, which the page shows). */
export async function proofHeaders() {
  let found = await warmUp();
  pending = null;
  if (!found || Date.now() - found.at > MAX_AGE_MS) found = await prepare().catch(() => null);
  warmUp(); // the next request's
  return found && found.header ? { "X-Altcha": found.header } : {};
}
