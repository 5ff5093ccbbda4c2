"""The client address that limits and lockouts count by is always a valid address (PostgreSQL
stores lockout addresses as inet: a made-up value would turn a login into a 500)."""

from django.test import RequestFactory

from massline.accounts.throttle import UNKNOWN_ADDRESS, client_ip


def test_a_request_without_a_peer_address_counts_as_the_unknown_address():
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_ip(request) == UNKNOWN_ADDRESS


def test_a_forwarded_address_that_is_not_one_counts_as_the_unknown_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == UNKNOWN_ADDRESS
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.7"


def test_a_force_login_is_logged_without_error(people, client):
    client.force_login(people.resident)
    assert client.get("/api/v1/auth/me").status_code == 200
