// The event types of the site socket (WS /ws/sites/{site}), one list with the server's.
// Generated from protocol/events.py by `python -m protocol.js`: do not edit by hand.

export const EVENTS = Object.freeze({
  TICKET_ISSUED: "ticket.issued",
  TICKET_CALLED: "ticket.called",
  TICKET_RECALLED: "ticket.recalled",
  TICKET_SERVING: "ticket.serving",
  TICKET_DONE: "ticket.done",
  TICKET_NO_SHOW: "ticket.no_show",
  TICKET_TRANSFERRED: "ticket.transferred",
  TICKET_CANCELLED: "ticket.cancelled",
  TICKET_EXPIRED: "ticket.expired",
  TICKET_REINSTATED: "ticket.reinstated",
  TICKET_CHECKED_IN: "ticket.checked_in",
  COUNTER_UPDATED: "counter.updated",
  HELP_REQUESTED: "help.requested",
  HELP_CLAIMED: "help.claimed",
  HELP_CLOSED: "help.closed",
  EVALUATION_RECORDED: "evaluation.recorded",
  EVALUATION_BAD: "evaluation.bad",
  MATTER_UPDATED: "matter.updated",
  MATTER_OVERDUE: "matter.overdue",
  NOTICES_UPDATED: "notices.updated",
});

// Every event type, in the list's order.
export const EVENT_TYPES = Object.freeze(Object.values(EVENTS));

// Events that staff sockets (subprotocol hall.staff) receive with who acted, as `data.by`.
export const STAFF_NAMED = Object.freeze(["help.claimed", "help.closed"]);

// The first message on the socket: the state the events follow from.
export const SNAPSHOT = "snapshot";
