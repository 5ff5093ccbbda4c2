"""What of an appeal the public may read: its text with personal data masked."""

from collections.abc import Callable

from django.db import models

from massline.appeals.models import Appeal
from massline.appeals.search import index_text
from massline.core.masking import mask_personal_data


def names_of(appeal: Appeal) -> list[str]:
    """The resident's names, masked wherever they appear in the appeal's texts."""
    submitter = appeal.submitted_by if appeal.submitted_by_id else None
    return [n for n in (appeal.contact_name, getattr(submitter, "real_name", "")) if n]


ORGS_OF_APPEAL = ("hub", "lead_org", "reply_org")


def public_numbers_of(appeal: Appeal) -> list[str]:
    """The registered public numbers of the orgs that handle the appeal (its hub, lead and
    replying department), as far as they are loaded with it: staff write them into replies
    so that residents can call back, and masking them helps nobody."""
    numbers: list[str] = []
    for name in ORGS_OF_APPEAL:
        field = Appeal._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        if getattr(appeal, field.attname) is None or not field.is_cached(appeal):
            continue
        org = getattr(appeal, name)
        if org.public_phones:
            numbers += org.public_numbers
    return numbers


def masker(appeal: Appeal, see_original: bool) -> Callable[[str], str]:
    if see_original:
        return lambda text: text
    names = names_of(appeal)
    keep = public_numbers_of(appeal)
    return lambda text: mask_personal_data(text, names, keep)


def index_appeal(appeal: Appeal) -> None:
    """Fill both search columns: the original words for those who may read the original, the
    masked words for everyone else. A sealed 举报 is searchable by its masked words only: its
    reporter's name must not find it."""
    parts = (appeal.title, appeal.body, appeal.location)
    show = masker(appeal, see_original=False)
    appeal.public_search_text = index_text(*(show(p) for p in parts))
    appeal.search_text = appeal.public_search_text if appeal.sealed else index_text(*parts)


def notice_title(appeal: Appeal) -> str:
    """The appeal's title as notices carry it: masked, since e-mail and SMS leave the site."""
    return masker(appeal, see_original=False)(appeal.title)


def notice_link(appeal: Appeal) -> str:
    """Where a staff notice about the appeal leads: its desk in the office."""
    return f"/office/appeals/{appeal.tracking_no}/"
