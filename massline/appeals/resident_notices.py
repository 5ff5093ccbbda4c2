"""What residents hear of their appeal: one notice per step they care about.

`tell(appeal, event)` is called by the events module for every event it writes; the steps
below reach the person who submitted the appeal (the account it belongs to, also for a call
registered on a caller's behalf), once per event, in the notification centre and on the
channels that person has on. Titles leave the site (SMS, e-mail), so they carry the appeal's
title masked. The expected reply date is the one the appeal page shows.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from massline.appeals.actions import REJECT_REASONS, Action
from massline.appeals.deadlines import expected_reply_by, rating_window_ends
from massline.appeals.models import ANONYMOUS_REPORTER, Appeal, AppealEvent
from massline.appeals.privacy import masker
from massline.notices.models import Level
from massline.notices.services import notify

A = Action


def resident_link(appeal: Appeal) -> str:
    return f"/appeals/{appeal.tracking_no}/"


def _day(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def _org(e: AppealEvent, appeal: Appeal) -> str:
    org = appeal.lead_org if e.action != A.REPLY else (appeal.reply_org or appeal.lead_org)
    return org.name if org else "承办单位"


def _accepted(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    by = _day(expected_reply_by(a, e.created_at))
    return "已受理", f"{a.hub.name}已受理您的留言，将尽快转交承办单位，预计 {by} 前答复。"


def _rejected(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    reason = REJECT_REASONS.get((e.data or {}).get("reason", ""), "")
    return "不予受理", f"{a.hub.name}对您的留言不予受理，理由：{reason or '见留言页面'}。"


def _dispatched(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    by = _day(a.reply_due_at)
    return "已交办", f"您的留言已交由{_org(e, a)}办理，答复期限 {by}。"


def _transferred(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    return "已转办", f"您的留言已改由{_org(e, a)}办理，答复期限 {_day(a.reply_due_at)}。"


def _replied(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    ends = _day(rating_window_ends(a))
    return "已答复", f"{_org(e, a)}已答复您的留言，请查看答复并在 {ends} 前评价。"


def _answered(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    ends = _day(rating_window_ends(a))
    return "已答复", f"{a.hub.name}已直接答复您的咨询，请查看答复并在 {ends} 前评价。"


def _reopened(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    return "重新办理", "您的留言已重新办理，将再次交办并答复。"


def _closed(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    if (e.data or {}).get("unrated"):
        return "已办结", "评价期已过，您的留言已办结（未评价）。"
    return "已办结", "您的留言已办结，感谢您的参与。"


def _merged(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    return "已并案办理", "您的留言与反映同一问题的留言一并办理，答复会同时告诉您。"


def _extended(a: Appeal, e: AppealEvent) -> tuple[str, str] | None:
    if not (e.data or {}).get("approved"):
        return None
    return "答复期限延长", f"承办单位申请延期已获批准，答复期限延至 {_day(a.reply_due_at)}。"


def _followed_up(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    return "已回访", f"{a.hub.name}已就您的留言办理情况进行回访，感谢您的反馈。"


def _interim(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    said = masker(a, see_original=False)(e.note)
    return "阶段性答复", f"{_org(e, a)}：{said[:120]}{'…' if len(said) > 120 else ''}"


def _registered(a: Appeal, e: AppealEvent) -> tuple[str, str]:
    by = _day(expected_reply_by(a, e.created_at))
    return (
        "已登记",
        f"您反映的问题已登记，编号 {a.tracking_no}，预计 {by} 前答复；凭编号和手机号可查询进度。",
    )


STEPS: dict[str, Callable[[Appeal, AppealEvent], tuple[str, str] | None]] = {
    A.REGISTER: _registered,
    A.ACCEPT: _accepted,
    A.REJECT: _rejected,
    A.DISPATCH: _dispatched,
    A.TRANSFER: _transferred,
    A.REFUSE_RETURN: _dispatched,
    A.REPLY: _replied,
    A.INTERIM: _interim,
    A.DIRECT_ANSWER: _answered,
    A.REOPEN: _reopened,
    A.CLOSE: _closed,
    A.MERGE: _merged,
    A.DECIDE_EXTENSION: _extended,
    A.FOLLOW_UP: _followed_up,
}
"""The steps a resident hears of. Not: their own acts (submitting, rating, withdrawing, adding
information), the departments' internal steps (signing for it, returning it to the hub,
co-handlers' opinions, extension requests) and reminders to staff."""


def tell(appeal: Appeal, event: AppealEvent) -> None:
    """Give the appeal's resident the notice of this event, if it is a step they hear of;
    the notice's key is the event, so each step reaches them once."""
    tell_followers(appeal, event)
    step = STEPS.get(event.action)
    if step is None or not _reachable(appeal):
        return
    said = step(appeal, event)
    if said is None:
        return
    what, body = said
    title = masker(appeal, see_original=False)(appeal.title)
    notify(
        [appeal.submitted_by],
        key=f"resident:{event.pk}",
        title=f"{what}：{title}"[:200],
        body=body,
        link=resident_link(appeal),
        level=Level.INFO,
        now=event.created_at,
    )


def tell_followers(appeal: Appeal, event: AppealEvent) -> None:
    """Those who follow the appeal (关注, the same matter) hear of its replies, once each."""
    if event.action not in (A.REPLY, A.INTERIM) or not appeal.is_public:
        return
    followers = [f.user for f in appeal.follows.select_related("user")]
    if not followers:
        return
    what = "已答复" if event.action == A.REPLY else "阶段性答复"
    title = masker(appeal, see_original=False)(appeal.title)
    notify(
        followers,
        key=f"follow:{event.pk}",
        title=f"您关注的留言{what}：{title}"[:200],
        body=f"{_org(event, appeal)}{what}了您关注的留言，可在留言页查看。",
        link=resident_link(appeal),
        level=Level.INFO,
        now=event.created_at,
    )


def _reachable(appeal: Appeal) -> bool:
    """An anonymous 举报's reporter has no account to tell (they follow it by its 查询码)."""
    return appeal.submitted_by_id is not None and (
        appeal.submitted_by.username != ANONYMOUS_REPORTER
    )


def remind_to_rate(appeal: Appeal, now: datetime) -> None:
    if not _reachable(appeal):
        return
    ends = _day(rating_window_ends(appeal))
    title = masker(appeal, see_original=False)(appeal.title)
    notify(
        [appeal.submitted_by],
        key=f"rate_soon:{appeal.pk}:{appeal.round}",
        title=f"请评价：{title}"[:200],
        body=f"您的留言已答复，评价期 {ends} 结束，逾期未评价将自动办结。",
        link=resident_link(appeal),
        level=Level.WARNING,
        now=now,
    )
