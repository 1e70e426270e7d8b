"""The service's errors. One base with ``status`` and ``detail``; one middleware renders them.

``detail`` is Swedish: it is shown to officers. ``type`` and ``title`` are stable and English-free
identifiers for machines (``title`` is the Swedish short form of the problem class).
"""

from __future__ import annotations

from typing import Any


class PlacementError(Exception):
    """Base of every error the service reports on purpose. Rendered as problem+json (RFC 9457)."""

    status: int = 500
    type: str = "about:blank"
    title: str = "Internt fel"

    def __init__(
        self, detail: str, *, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}
        self.headers = headers or {}


class BadRequest(PlacementError):
    status = 400
    type = "/problems/bad-request"
    title = "Felaktig begäran"


class Unauthorized(PlacementError):
    status = 401
    type = "/problems/unauthorized"
    title = "Inloggning krävs"


class Forbidden(PlacementError):
    status = 403
    type = "/problems/forbidden"
    title = "Åtkomst nekad"


class NotFound(PlacementError):
    status = 404
    type = "/problems/not-found"
    title = "Hittades inte"


class MethodNotAllowed(PlacementError):
    status = 405
    type = "/problems/method-not-allowed"
    title = "Metoden är inte tillåten"


class Conflict(PlacementError):
    status = 409
    type = "/problems/conflict"
    title = "Konflikt"


class PreconditionFailed(PlacementError):
    """A write whose If-Match no longer names the record's current version (someone changed it)."""

    status = 412
    type = "/problems/precondition-failed"
    title = "Posten har ändrats"


class PreconditionRequired(PlacementError):
    """A correction sent without If-Match: it could silently overwrite someone else's change."""

    status = 428
    type = "/problems/precondition-required"
    title = "If-Match krävs"


class PayloadTooLarge(PlacementError):
    status = 413
    type = "/problems/payload-too-large"
    title = "Innehållet är för stort"


class TooManyRequests(PlacementError):
    """Too many failed sign-ins from one client; ``Retry-After`` says when to try again."""

    status = 429
    type = "/problems/too-many-requests"
    title = "För många försök"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_s)})


class UnsupportedMediaType(PlacementError):
    status = 415
    type = "/problems/unsupported-media-type"
    title = "Fel innehållstyp"


class ValidationFailed(PlacementError):
    """Input that parsed but broke a rule. ``errors`` names each bad field and why."""

    status = 422
    type = "/problems/validation"
    title = "Ogiltiga uppgifter"

    def __init__(self, detail: str, errors: list[dict[str, str]]) -> None:
        super().__init__(detail, extra={"errors": errors})
        self.errors = errors

    @classmethod
    def on(cls, field: str, message: str, code: str, *, detail: str | None = None) -> ValidationFailed:
        """One bad field: where (``body.x``, ``query.x``, ``header.X``), why, and a code a client
        can act on; ``detail`` (the problem's summary) is the message unless given."""
        return cls(detail or message, [{"field": field, "message": message, "code": code}])


class ServiceUnavailable(PlacementError):
    status = 503
    type = "/problems/unavailable"
    title = "Tjänsten är inte redo"


class DatabaseUnavailable(PlacementError):
    """The database could not be reached or started. Raised by the CLI as one readable line."""

    status = 503
    type = "/problems/database-unavailable"
    title = "Databasen kan inte nås"


class MigrationFailed(PlacementError):
    """A migration file failed; the database is left as it was before that file."""

    status = 500
    type = "/problems/migration-failed"
    title = "Migreringen misslyckades"
