from collections.abc import Callable

from django.http import HttpRequest

from massline.notices.services import unread_count


def notices(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """The header's unread count, counted only where the layout shows it (once per page)."""
    found: list[int] = []

    def unread() -> int:
        if not found:
            found.append(unread_count(request.user))
        return found[0]

    return {"notices_unread": unread}
