"""The language of a page: the visitor's own choice (set_language's cookie), else the site's."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str:
    """The site is Chinese first: a browser's Accept-Language does not switch it to English;
    only the visitor's choice in the header (a cookie) does."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Instead of Django's LocaleMiddleware (which also follows Accept-Language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def csp_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]).strip() for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Every HTML page gets settings.CONTENT_SECURITY_POLICY: scripts and styles from the site
    only, so injected markup cannot run. A response that set its own policy (a download's
    `sandbox`) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = csp_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.header)
        return response
