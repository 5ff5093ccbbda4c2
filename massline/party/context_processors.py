from django.http import HttpRequest

from massline.party.policy import policy


def party(request: HttpRequest) -> dict[str, object]:
    """`nav_party`: whether the layout shows the 党建 link (asked only where it is drawn)."""
    user = getattr(request, "user", None)

    def nav_party() -> bool:
        return user is not None and user.is_authenticated and policy(user).takes_part

    return {"nav_party": nav_party}
