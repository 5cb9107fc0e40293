// The hall display's voice: a chime, then the spoken call, one call after another and never
// overlapping. It keeps up with a burst: the chime once for the burst, the calls back to back,
// the shorter sentence ("A002号，3号窗口") and a slightly faster pace while others wait. A call
// whose ticket is no longer called at its counter when its turn comes (finished, transferred,
// the counter paused) is skipped: the voice never announces what the board no longer shows.

const CHIME = "/static/audio/chime.wav";
const GAP_MS = 700; // after the last call of a burst
const BUSY_GAP_MS = 250; // between calls while others wait
// Faster while calls wait (Chromium keeps the pitch): 1.2 with one behind, 1.35 with more.
const rateFor = (waiting) => (waiting >= 2 ? 1.35 : waiting === 1 ? 1.2 : 1);
const GUARD_MS = 20000; // a clip that never ends or errors does not stop the queue

function play(url, rate, onBlocked) {
  return new Promise((resolve) => {
    const audio = new Audio(url);
    audio.playbackRate = rate;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      resolve();
    };
    const guard = setTimeout(done, GUARD_MS);
    audio.addEventListener("ended", done);
    audio.addEventListener("error", done); // non-200 or no codec: the text stays on screen
    audio.play().catch((err) => {
      if (err && err.name === "NotAllowedError") onBlocked();
      done();
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{lang: string, isCurrent: (call) => boolean, onSpeak: (call) => void, onBlocked: () => void}} opts
 */
export function voiceQueue({ lang, isCurrent, onSpeak, onBlocked }) {
  const queue = [];
  let playing = false;
  let blocked = false;
  let last = null;
  const block = () => {
    blocked = true;
    onBlocked();
  };

  async function run() {
    playing = true;
    let first = true;
    while (queue.length) {
      const call = queue.shift();
      if (!isCurrent(call)) continue;
      last = call;
      onSpeak(call);
      const busy = queue.length > 0;
      const rate = rateFor(queue.length);
      if (!blocked && first) await play(CHIME, rate, block);
      if (!blocked) {
        const q = new URLSearchParams({ number: call.number, counter: String(call.counterNumber), lang });
        if (busy) q.set("short", "1");
        await play(`/api/v1/voice/call.wav?${q}`, rate, block);
      }
      first = false;
      await sleep(queue.length ? BUSY_GAP_MS : GAP_MS);
    }
    playing = false;
  }

  return {
    /** Queue a call (a recall of a number already waiting its turn is not queued twice). */
    announce(call) {
      if (queue.some((q) => q.counterId === call.counterId && q.number === call.number)) return;
      queue.push(call);
      if (!playing) run();
    },
    /** Sound allowed again (a click on the overlay): repeat the last call if it still stands. */
    unblock() {
      blocked = false;
      if (last && isCurrent(last)) this.announce(last);
    },
    get pending() { return queue.length; },
  };
}
