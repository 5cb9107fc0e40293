"""Named domain errors. No HTTP in here: web/errors.py maps each to a status and slug."""

from __future__ import annotations


class HallError(Exception):
    """Base of every error a user can cause; ``code`` is the stable slug of the API."""

    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConfigError(Exception):
    """The configuration is invalid; the message names the bad field's path."""


class InvalidInput(HallError):
    code = "invalid_input"


class InvalidIdNumber(InvalidInput):
    code = "invalid_id_number"


class ImpossibleBirthDate(InvalidIdNumber):
    code = "impossible_birth_date"


class InvalidDate(InvalidInput):
    code = "invalid_date"


class InvalidName(InvalidInput):
    code = "invalid_name"


class NotFound(HallError):
    code = "not_found"


class UnknownSite(NotFound):
    code = "unknown_site"

    @classmethod
    def of(cls, site_id: str) -> UnknownSite:
        """The error for a requested id, echoed at most 40 characters long (a path may be 8 KB)."""
        shown = site_id if len(site_id) <= 40 else site_id[:40] + "…"
        return cls(f"没有这个服务中心 / unknown site {shown!r}")


class UnknownAccount(NotFound):
    code = "unknown_account"


class UnknownService(NotFound):
    code = "unknown_service"


class UnknownCounter(NotFound):
    code = "unknown_counter"


class TicketNotFound(NotFound):
    code = "ticket_not_found"


class Unauthenticated(HallError):
    code = "unauthenticated"


class BadCredentials(Unauthenticated):
    code = "bad_credentials"


class Forbidden(HallError):
    code = "forbidden"


class NotSignedIn(Forbidden):
    code = "not_signed_in"


class Conflict(HallError):
    code = "conflict"


class ServiceClosed(Conflict):
    code = "service_closed"


class SiteClosed(Conflict):
    code = "site_closed"


class AppointmentOnly(Conflict):
    code = "appointment_only"


class DailyCapReached(Conflict):
    code = "daily_cap_reached"


class CounterBusy(Conflict):
    """The counter still has a ticket in hand (finish or transfer it first)."""

    code = "counter_busy"


class NoCurrentTicket(Conflict):
    code = "no_current_ticket"


class RecallLimit(Conflict):
    code = "recall_limit"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class CounterNotOpen(Conflict):
    code = "counter_not_open"


class CounterTaken(Conflict):
    code = "counter_taken"


class NotBookable(Conflict):
    code = "not_bookable"


class InvalidSlot(InvalidInput):
    code = "invalid_slot"


class OutsideHorizon(InvalidInput):
    code = "outside_horizon"


class SlotPast(InvalidInput):
    code = "slot_past"


class SlotFull(Conflict):
    code = "slot_full"


class DuplicateBooking(Conflict):
    code = "duplicate_booking"


class BookingBlocked(Forbidden):
    code = "booking_blocked"


class AppointmentNotFound(NotFound):
    code = "appointment_not_found"


class InvalidPhone(InvalidInput):
    code = "invalid_phone"


class OutsideDivorceWindow(Conflict):
    code = "outside_divorce_window"


class TooEarly(Conflict):
    code = "too_early"


class TooLate(Conflict):
    code = "too_late"


class PartiesPending(Conflict):
    """Every party of a marriage appointment must check in in person."""

    code = "parties_pending"


class AppointmentClosed(Conflict):
    code = "appointment_closed"


class RuleRefused(InvalidInput):
    """The law does not allow this booking (SPEC 5); the message names the rule."""

    code = "rule_refused"


class UnderMarriageAge(RuleRefused):
    code = "under_marriage_age"


class NotManAndWoman(RuleRefused):
    code = "not_man_and_woman"


class SamePerson(RuleRefused):
    code = "same_person"


class NotAdult(RuleRefused):
    code = "not_adult"


class StoreClosed(HallError):
    """A write after the store was closed (the server is shutting down)."""

    code = "store_closed"


class HelpNotFound(NotFound):
    code = "help_not_found"


class HelpTaken(Conflict):
    """Someone else claimed the help request first; ``claimed_by`` says who (staff only)."""

    code = "help_taken"


class HelpClosed(Conflict):
    code = "help_closed"


class TooManyHelpRequests(Conflict):
    code = "too_many_help_requests"


class RemoteClosed(Conflict):
    """No remote ticket for this service now: it does not allow them, or too late to arrive before closing."""

    code = "remote_closed"


class RemoteHeld(Conflict):
    """One live remote ticket per identity per day (any site)."""

    code = "remote_held"


class RemoteExpired(Conflict):
    """A remote ticket not checked in within its time: gone."""

    code = "remote_expired"


class MatterNotFound(NotFound):
    """No such matter, or not for this caller (a wrong verification answers the same)."""

    code = "matter_not_found"


class UnknownItem(NotFound):
    code = "unknown_item"


class DocumentsMissing(Conflict):
    """A returned matter is reopened only with every required document."""

    code = "documents_missing"
