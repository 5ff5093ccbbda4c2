"""微心愿: post → review → public masked wall → claim → fulfil → thank, every step a WishEvent
and an audit event, with deadlines; an unclaimed wish escalates to the branch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.core.masking import mask_personal_data
from massline.notices.services import notify
from massline.orgs.models import Org, OrgKind, Role
from massline.orgs.staff import members as org_members
from massline.party import rules
from massline.party.models import (
    PUBLIC_WISH_STATES,
    CommunityReport,
    PartyMember,
    Wish,
    WishEvent,
    WishStatus,
)
from massline.party.policy import policy


def _event(wish: Wish, action: str, actor=None, note: str = "", now: datetime | None = None):
    WishEvent.objects.create(
        wish=wish, action=action, actor=actor, note=note[:200], at=now or timezone.now()
    )
    audit(f"party.wish_{action}", actor=actor, target=wish, note=note[:200])


def _locked(wish_id: int) -> Wish:
    wish = (
        Wish.objects.select_for_update(of=("self",))
        .select_related("branch")
        .filter(pk=wish_id)
        .first()
    )
    if wish is None:
        raise NotFound("没有这个心愿。")
    return wish


def _expect(wish: Wish, *states: str) -> None:
    if wish.status not in states:
        raise IllegalTransition(
            f"这个心愿{wish.get_status_display()}，不能这样操作。", state=wish.status
        )


def post(
    actor,
    branch: Org,
    *,
    title: str,
    body: str,
    resident_name: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> Wish:
    """A resident posts their own wish; the branch's secretary may post one on a resident's
    behalf (`resident_name`)."""
    now = now or timezone.now()
    if branch.kind != OrgKind.PARTY_BRANCH:
        raise InvalidInput("请选择所在社区的党组织。", field="branch")
    if not title.strip():
        raise InvalidInput("请用一句话写下心愿。", field="title")
    if not body.strip():
        raise InvalidInput("请写明需要什么帮助。", field="body")
    on_behalf = bool(resident_name.strip())
    if on_behalf and not policy(actor).can_manage_branch(branch):
        raise NotAllowed("只有社区党组织可以代群众登记心愿。", field="resident_name")
    with transaction.atomic():
        wish = Wish.objects.create(
            branch=branch,
            title=title.strip()[:60],
            body=body.strip()[:1000],
            resident=None if on_behalf else actor,
            resident_name=resident_name.strip() if on_behalf else actor.display_name,
            phone=phone.strip() or ("" if on_behalf else (actor.phone or "")),
            posted_by=actor,
            created_at=now,
        )
        _event(wish, "posted", actor, "代群众登记" if on_behalf else "", now)
        notify(
            org_members(branch, Role.PARTY_SECRETARY),
            key=f"party.wish:{wish.pk}:posted",
            title=f"新的微心愿待审核：{wish.title}",
            link=reverse("party:wish", args=[wish.pk]),
            now=now,
        )
    return wish


def review(actor, wish_id: int, approve: bool, reason: str = "", now: datetime | None = None):
    now = now or timezone.now()
    with transaction.atomic():
        wish = _locked(wish_id)
        if not policy(actor).can_manage_branch(wish.branch):
            raise NotAllowed("只有社区党组织可以审核心愿。")
        _expect(wish, WishStatus.SUBMITTED)
        if approve:
            wish.status = WishStatus.PUBLISHED
            wish.published_at = now
            wish.claim_by = rules.wish_deadlines(now)
        else:
            if not reason.strip():
                raise InvalidInput("请写明未通过的原因。", field="reason")
            wish.status = WishStatus.REJECTED
            wish.reason = reason.strip()[:200]
        wish.save()
        _event(wish, "published" if approve else "rejected", actor, reason, now)
        if wish.resident_id:
            notify(
                [wish.resident],
                key=f"party.wish:{wish.pk}:reviewed",
                title=("您的微心愿已公开，等待党员认领：" if approve else "您的微心愿未通过审核：")
                + wish.title,
                body=wish.reason,
                link=reverse("party:wish", args=[wish.pk]),
                now=now,
            )
    return wish


def is_local(member: PartyMember, wish: Wish) -> bool:
    return (
        member.branch_id == wish.branch_id
        or CommunityReport.objects.filter(
            member=member, community=wish.branch, active=True
        ).exists()
    )


def claim(member: PartyMember, wish_id: int, now: datetime | None = None) -> Wish:
    now = now or timezone.now()
    with transaction.atomic():
        wish = _locked(wish_id)
        _expect(wish, WishStatus.PUBLISHED)
        assert wish.published_at is not None
        if not rules.may_claim(now, wish.published_at, is_local(member, wish)):
            raise NotAllowed("公开后的两天内由本社区党员和到本社区报到的党员优先认领，请稍后再来。")
        wish.status = WishStatus.CLAIMED
        wish.claimed_by = member
        wish.claimed_at = now
        wish.fulfil_by = rules.fulfil_deadline(now)
        wish.save()
        _event(wish, "claimed", member.user, member.name, now)
        if wish.resident_id:
            notify(
                [wish.resident],
                key=f"party.wish:{wish.pk}:claimed",
                title=f"您的微心愿已有党员认领：{wish.title}",
                link=reverse("party:wish", args=[wish.pk]),
                now=now,
            )
    return wish


def fulfil(
    member: PartyMember, wish_id: int, note: str, photo=None, now: datetime | None = None
) -> Wish:
    now = now or timezone.now()
    if not note.strip():
        raise InvalidInput("请写明心愿是怎样实现的。", field="fulfilment")
    with transaction.atomic():
        wish = _locked(wish_id)
        _expect(wish, WishStatus.CLAIMED)
        if wish.claimed_by_id != member.pk:
            raise NotAllowed("只有认领的党员可以填写实现情况。")
        wish.status = WishStatus.FULFILLED
        wish.fulfilled_at = now
        wish.fulfilment = note.strip()
        if photo is not None:
            wish.photo = photo
        wish.save()
        _event(wish, "fulfilled", member.user, "", now)
        if wish.resident_id:
            notify(
                [wish.resident],
                key=f"party.wish:{wish.pk}:fulfilled",
                title=f"您的微心愿已实现：{wish.title}",
                body="如果满意，可以在心愿页面上致谢。",
                link=reverse("party:wish", args=[wish.pk]),
                now=now,
            )
    return wish


def thank(actor, wish_id: int, note: str, now: datetime | None = None) -> Wish:
    now = now or timezone.now()
    with transaction.atomic():
        wish = _locked(wish_id)
        if actor.pk not in (wish.resident_id, wish.posted_by_id):
            raise NotAllowed("只有提出心愿的群众（或代为登记的社区）可以致谢。")
        _expect(wish, WishStatus.FULFILLED)
        wish.status = WishStatus.THANKED
        wish.thanks = note.strip()[:200] or "谢谢！"
        wish.save()
        _event(wish, "thanked", actor, wish.thanks, now)
        if wish.claimed_by and wish.claimed_by.user_id:
            notify(
                [wish.claimed_by.user],
                key=f"party.wish:{wish.pk}:thanked",
                title=f"群众感谢您实现了心愿：{wish.title}",
                body=wish.thanks,
                link=reverse("party:wish", args=[wish.pk]),
                now=now,
            )
    return wish


def escalate(now: datetime | None = None) -> int:
    """Unclaimed past its claim deadline → the branch's secretaries (once, an event); claimed
    and not fulfilled past its deadline → the claimer is reminded (once)."""
    now = now or timezone.now()
    sent = 0
    for wish in Wish.objects.filter(
        status=WishStatus.PUBLISHED, claim_by__lt=now, escalated_at__isnull=True
    ).select_related("branch"):
        with transaction.atomic():
            locked = _locked(wish.pk)
            if locked.escalated_at is not None or locked.status != WishStatus.PUBLISHED:
                continue
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at"])
            _event(locked, "escalated", None, "超过认领期限无人认领", now)
            sent += len(
                notify(
                    org_members(locked.branch, Role.PARTY_SECRETARY),
                    key=f"party.wish:{locked.pk}:escalated",
                    title=f"微心愿超过 {rules.CLAIM_DAYS} 天无人认领：{locked.title}",
                    body="请支部安排党员认领。",
                    link=reverse("party:wish", args=[locked.pk]),
                    level="overdue",
                    now=now,
                )
            )
    for wish in Wish.objects.filter(
        status=WishStatus.CLAIMED, fulfil_by__lt=now, claimed_by__user__isnull=False
    ).select_related("claimed_by__user"):
        assert wish.claimed_by is not None
        sent += len(
            notify(
                [wish.claimed_by.user],
                key=f"party.wish:{wish.pk}:late",
                title=f"您认领的微心愿已超过实现期限：{wish.title}",
                link=reverse("party:wish", args=[wish.pk]),
                level="overdue",
                now=now,
            )
        )
    return sent


@dataclass(frozen=True)
class PublicWish:
    """What the public wall shows: text and name masked, no phone."""

    pk: int
    title: str
    body: str
    name: str
    status: str
    status_label: str
    community: str
    claimed_by: str
    published_at: datetime | None
    thanks: str


def public(wish: Wish) -> PublicWish:
    names = [wish.resident_name]
    masked_name = mask_personal_data(wish.resident_name, names)
    return PublicWish(
        pk=wish.pk,
        title=mask_personal_data(wish.title, names),
        body=mask_personal_data(wish.body, names),
        name=masked_name,
        status=wish.status,
        status_label=wish.get_status_display(),
        community=wish.branch.short_name or wish.branch.name,
        claimed_by=wish.claimed_by.name if wish.claimed_by else "",
        published_at=wish.published_at,
        thanks=mask_personal_data(wish.thanks, names),
    )


def wall(branch: Org | None = None, limit: int = 100) -> list[PublicWish]:
    qs = Wish.objects.filter(status__in=PUBLIC_WISH_STATES).select_related("branch", "claimed_by")
    if branch is not None:
        qs = qs.filter(branch=branch)
    return [public(w) for w in qs.order_by("-published_at", "-pk")[:limit]]
