// The ticket screen: the number, people ahead, the QR code to follow it on a phone, and the
// slip being printed at the kiosk (or, when the printer cannot, the mobile ticket with more
// time); back to the start when the countdown ends.
import { $ } from "../lib/dom.js";
import { LANG, t } from "../lib/i18n.js";

const GUIDE_OF = { none: "result_shown", printing: "result_printing", printed: "result_printed",
  fallback: "result_fallback" };
const EARLY_KEPT = 20;

/**
 * @param {{shell: object, timing: object, ds: (key) => string, onTimeout: () => void, onShown: () => void}} opts
 */
export function resultScreen({ shell, timing, ds, onTimeout, onShown }) {
  let number = null;
  let job = null;
  let jobTimer = null;
  let countdown = 0;
  let countdownTimer = null;
  const earlyPrints = new Map(); // the agent may answer before the HTTP response arrives

  function startCountdown(seconds) {
    clearInterval(countdownTimer);
    countdown = seconds;
    $("#r-countdown").textContent = String(seconds);
    countdownTimer = setInterval(() => {
      countdown -= 1;
      $("#r-countdown").textContent = String(Math.max(0, countdown));
      if (countdown <= 0) onTimeout();
    }, 1000);
  }

  const resultSeconds = () => shell.seconds(timing.result_seconds);

  function printStatus(kind, text) {
    document.body.dataset.print = kind;
    shell.say(GUIDE_OF[kind], number);
    $("#r-print").textContent = text;
    $("#r-print").hidden = !text;
    $("#r-fallback").hidden = kind !== "fallback";
    $("#screen-result").classList.toggle("fallback", kind === "fallback");
  }

  function printFallback() {
    clearTimeout(jobTimer);
    job = null;
    printStatus("fallback", "");
    startCountdown(resultSeconds() * 2); // time to scan the code or note the number
  }

  function showPrint(print) {
    clearTimeout(jobTimer);
    job = null;
    if (!print) { printStatus("none", ""); return; }
    if (print.status !== "sent") { printFallback(); return; }
    job = print.job;
    printStatus("printing", ds("printing"));
    jobTimer = setTimeout(printFallback, timing.print_wait_ms); // the server gives up first, and says so
    const early = earlyPrints.get(print.job);
    if (early) onPrint(early);
  }

  /** The agent's print result (may come before the ticket's HTTP response). */
  function onPrint(msg) {
    if (msg.job === null || msg.job === undefined) return;
    if (msg.job !== job) {
      earlyPrints.set(msg.job, msg);
      if (earlyPrints.size > EARLY_KEPT) earlyPrints.delete(earlyPrints.keys().next().value);
      return;
    }
    clearTimeout(jobTimer);
    job = null;
    if (msg.status === "printed") printStatus("printed", ds("printed"));
    else printFallback();
  }

  function show(ticket) {
    $("#r-number").textContent = ticket.number;
    $("#r-service").textContent = LANG === "en" ? ticket.service_name_en : ticket.service_name;
    $("#r-ahead").textContent = t("people_ahead", { n: ticket.people_ahead });
    $("#r-wait").textContent = ticket.estimated_wait_minutes === null || ticket.estimated_wait_minutes === undefined
      ? t("no_estimate") : t("minutes", { n: ticket.estimated_wait_minutes });
    $("#r-counters").textContent = t("counters_list", { list: (ticket.counters || []).join(t("list_sep")) });
    const existing = $("#r-existing");
    existing.hidden = !ticket.existing;
    existing.textContent = ticket.existing ? t("existing") : "";
    const prio = $("#r-priority"); // green channel, or "appointment" after a check-in
    prio.hidden = !ticket.priority || ticket.priority === "normal";
    prio.textContent = prio.hidden ? "" : t(`priority_${ticket.priority}`);
    $("#r-id-row").hidden = !ticket.id_masked;
    $("#r-id").textContent = ticket.id_masked || "";
    const qr = $("#r-qr");
    qr.alt = t("qr_alt");
    qr.src = `/qr.svg?data=${encodeURIComponent(ticket.track_url)}`;
    number = ticket.number;
    shell.show("result");
    startCountdown(resultSeconds());
    showPrint(ticket.print);
    onShown();
  }

  return {
    show,
    onPrint,
    stop: () => clearInterval(countdownTimer),
    wire: () => $("#more-time").addEventListener("click", () => startCountdown(resultSeconds() * 2)),
  };
}
