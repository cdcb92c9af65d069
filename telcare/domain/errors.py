"""Domain errors: every rejection carries a stable code and a message key for the channels."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused an operation; nothing was written.

    ``code`` is stable (API problem types, tests); ``key`` names the user-facing
    message in :mod:`telcare.domain.messages`; ``params`` fill it in.
    """

    code = "domain-error"
    status = 422

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}" if params else key)


class InvalidInput(DomainError):
    code = "invalid-input"


class InvalidMsisdn(DomainError):
    code = "invalid-msisdn"


class InvalidAmount(DomainError):
    code = "invalid-amount"


class NotFound(DomainError):
    code = "not-found"
    status = 404


class UnknownProduct(NotFound):
    code = "unknown-product"


class UnknownSubscriber(NotFound):
    code = "unknown-subscriber"


class NotEligible(DomainError):
    code = "not-eligible"


class InsufficientFunds(DomainError):
    code = "insufficient-funds"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    status = 409


class IdempotencyConflict(Conflict):
    """The idempotency key was already used for a different request."""

    code = "idempotency-conflict"


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NothingPending(NotFound):
    code = "nothing-pending"


class ConfirmationExpired(Conflict):
    code = "confirmation-expired"


class OfferChanged(Conflict):
    """The product's price or terms changed after the subscriber was quoted them."""

    code = "offer-changed"


class AlreadySubscribed(Conflict):
    code = "already-subscribed"


class NotSubscribed(NotFound):
    code = "not-subscribed"


class Locked(DomainError):
    """Too many failed attempts; try again later."""

    code = "locked"
    status = 429


class TooManyAttempts(Locked):
    """Too many failed logins or code requests; ``retry_after`` seconds until the next try."""

    code = "too-many-attempts"

    def __init__(self, key: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(key, **params)
        self.retry_after = max(1, retry_after)


class WrongSecret(DomainError):
    code = "wrong-secret"
    status = 403
