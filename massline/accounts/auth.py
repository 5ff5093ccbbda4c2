"""API authentication: the site's session (with CSRF) or a bearer token for clients."""

import copy

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from massline.accounts.models import ApiToken, User, hash_secret
from massline.core.cache import ProcessCache

TOKENS = ProcessCache(seconds=10)
"""Token hash → (its user, its expiry) as last read. Safe: saving or deleting a token or a user
(revoking, deactivating) clears it at once in that process and in other processes within 10 s."""
TOKENS.clear_on_change(ApiToken, User)


def _token(key_hash: str) -> tuple[User, object] | None:
    now = timezone.now()
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now)
        .filter(user__is_active=True)
        .first()
    )
    if found is None:
        return None
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user, found.expires_at


class BearerToken(HttpBearer):
    openapi_description = "Authorization: Bearer ml_…（令牌由 /api/v1/auth/tokens 签发）"

    def authenticate(self, request, token):
        key_hash = hash_secret(token)
        cached = TOKENS.get(key_hash, lambda: _token(key_hash))
        if cached is None or cached[1] <= timezone.now():
            return None
        user = copy.copy(cached[0])
        request.user = user
        request.token_hash = key_hash
        return user


class Session(SessionAuth):
    """The session cookie, CSRF-checked; a visitor without a session is simply not
    authenticated (401 "请先登录"), not refused for a CSRF token they could not have had."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def viewer(request):
    """The user behind a request to a page anyone may read: token, session or anonymous."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = bearer.authenticate(request, header[7:].strip())
        if user is None:
            raise AuthenticationError()
        return user
    return request.user


session = Session()
bearer = BearerToken()
REQUIRED = [bearer, session]
