// The kiosk agent's devices as the page sees them: the ID card read last (a one-time token,
// never the full ID number, usable until it expires or is used) and the agent's state (online,
// printer, paper, reader), shown in the banner and the status line.
import { $ } from "../lib/dom.js";

/** @param {(key, vars) => string} ds the page's device strings */
export function cardReader(ds) {
  let card = null;
  let agent = null;

  const valid = () => (card && Date.now() < card.until ? card : null);

  function render() {
    const c = valid();
    $("#card-banner").hidden = !c;
    $("#card-who").textContent = c ? ds("card_read", { name: c.name, id: c.masked }) : "";
    $("#card-green").hidden = !(c && c.green);
    $("#card-used").hidden = !c;
    $("#card-used").textContent = c ? ds("card_used", { id: c.masked }) : "";
    document.body.dataset.card = c ? "read" : "none";
  }

  function clear() {
    card = null;
    render();
  }

  /** A card was read (the agent's identity message). */
  function read(msg) {
    card = { token: msg.card, masked: msg.masked, name: msg.name_masked, green: msg.green,
      until: Date.now() + Math.max(10, (msg.expires_in || 120) - 10) * 1000 };
    render();
  }

  /** Whether the card reader can be used now (the agent says it is there). */
  const readerOk = () => Boolean(agent && agent.online && agent.reader !== false && agent.reader !== null);

  /** The agent's state; returns whether the reader is usable. */
  function setAgent(msg) {
    agent = msg;
    const up = Boolean(msg.online);
    const printer = up && msg.printer_configured !== false && msg.printer !== false && msg.paper !== "out";
    const reader = readerOk();
    document.body.dataset.agent = up ? "online" : "offline";
    document.body.dataset.printer = printer ? "ok" : "down";
    const note = !up ? ds("agent_down") : (printer ? "" : ds("printer_down"));
    $("#device-status").textContent = note;
    $("#device-status").hidden = !note;
    $("#reader-hint").hidden = reader;
    return reader;
  }

  return { valid, clear, read, readerOk, setAgent, wire: () => $("#card-clear").addEventListener("click", clear) };
}
