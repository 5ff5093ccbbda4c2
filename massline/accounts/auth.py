"""API authentication: the site's session (with CSRF) or a bearer token for clients."""

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from massline.accounts.models import ApiToken, hash_secret


class BearerToken(HttpBearer):
    openapi_description = "Authorization: Bearer ml_…（令牌由 /api/v1/auth/tokens 签发）"

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_secret(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


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
