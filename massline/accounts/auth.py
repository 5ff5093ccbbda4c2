"""API authentication: the site's session (with CSRF) or a bearer token for clients."""

import copy

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from massline.accounts.models import ApiToken, User, hash_secret
from massline.core.cache import ProcessCache

TOKENS = ProcessCache(seconds=10)
"""Token hash → its user as last read. Safe: saving or deleting a token or a user (revoking
in the admin, deactivating) clears it at once in that process and other processes within 10 s."""
TOKENS.clear_on_change(ApiToken, User)


def _user_of_token(key_hash: str) -> User | None:
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


class BearerToken(HttpBearer):
    openapi_description = "Authorization: Bearer ml_…（令牌由 /api/v1/auth/tokens 签发）"

    def authenticate(self, request, token):
        key_hash = hash_secret(token)
        cached = TOKENS.get(key_hash, lambda: _user_of_token(key_hash))
        if cached is None:
            return None
        user = copy.copy(cached)
        request.user = user
        return user


def viewer(request):
    """The user behind a request to a page anyone may read: token, session or anonymous."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = bearer.authenticate(request, header[7:].strip())
        if user is None:
            raise AuthenticationError()
        return user
    return request.user


session = SessionAuth()
bearer = BearerToken()
REQUIRED = [bearer, session]
