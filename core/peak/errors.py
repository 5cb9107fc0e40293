"""Named errors of peak days (web/errors.py maps them by their base class: 403, 404, 409, 422)."""

from __future__ import annotations

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


class PowRequired(Forbidden):
    """A public booking or ballot entry came without a solved proof-of-work challenge."""

    code = "pow_required"


class PowInvalid(Forbidden):
    """The solution is wrong, expired, for another key, or was used before."""

    code = "pow_invalid"


class BallotNotFound(NotFound):
    code = "ballot_not_found"


class EntryNotFound(NotFound):
    """No such entry, or the verification does not match (both answer the same)."""

    code = "entry_not_found"


class BallotClosed(Conflict):
    """Entries are taken only inside the window; a draw only once, at or after its time."""

    code = "ballot_closed"


class AlreadyEntered(Conflict):
    """One entry per couple and one entry per identity."""

    code = "already_entered"


class NotConfirmable(Conflict):
    code = "not_confirmable"


class SessionNotFound(NotFound):
    code = "unknown_ceremony"


class SessionFull(Conflict):
    code = "ceremony_full"


class CeremonyRefused(Conflict):
    """A ceremony is only for a couple whose 结婚登记 that day is booked."""

    code = "ceremony_refused"


class InvalidCeremony(InvalidInput):
    code = "invalid_ceremony"
