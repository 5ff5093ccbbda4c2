import pytest

from massline.appeals import suggestions


@pytest.fixture(autouse=True)
def engine(monkeypatch):
    """A fresh suggestion engine per test, training in the request (no background thread)."""
    fresh = suggestions.Engine(min_history=20, check_every=0, background=False)
    monkeypatch.setattr(suggestions, "ENGINE", fresh)
    return fresh
