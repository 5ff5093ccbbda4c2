"""Domain errors; the API turns each into a clear 4xx."""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 422


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class UnsupportedMediaType(DomainError):
    """The body is not of the media type the route reads (a browser form cannot send JSON)."""

    status = 415
    code = "unsupported_media_type"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"

    def __init__(self, message: str, *, state: str):
        super().__init__(message)
        self.state = state


class RateLimited(DomainError):
    """Too many requests: the message says when to retry; the API sends Retry-After."""

    status = 429
    code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        field: str | None = None,
        code: str | None = None,
    ):
        super().__init__(message, field=field, code=code)
        self.retry_after = retry_after


class ChallengeRequired(DomainError):
    """The client must answer `challenge["question"]` and send it back with its token."""

    status = 422
    code = "challenge_required"

    def __init__(self, message: str, *, challenge: dict[str, Any], code: str | None = None):
        super().__init__(message, field="challenge_answer", code=code)
        self.challenge = challenge
