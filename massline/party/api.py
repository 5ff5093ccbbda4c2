"""The 掌上党建 API: a member's points and ledger, the study heartbeat for apps, the public wish
wall and a branch's 三会一课 compliance. The same policy as the pages."""

from datetime import date, datetime

from ninja import Query, Router, Schema

from massline.accounts.auth import REQUIRED
from massline.core.errors import NotAllowed, NotFound
from massline.core.validation import ERRORS
from massline.orgs.models import Org, OrgKind
from massline.party import meetings, selectors, study, wishes
from massline.party.models import PartyMember
from massline.party.policy import policy

router = Router(tags=["掌上党建"])


class ProgressOut(Schema):
    kind: str
    label: str
    points: int
    cap: int


class MeOut(Schema):
    name: str
    branch_id: int
    branch: str
    stage: str
    points_total: int
    today: list[ProgressOut]


class EntryOut(Schema):
    kind: str
    points: int
    reason: str
    day: date
    created_at: datetime


class BeatIn(Schema):
    session: int
    resume: bool = False


class BeatOut(Schema):
    credited: int
    seconds: int
    points: int
    capped: bool
    total: int


class WishOut(Schema):
    id: int
    title: str
    body: str
    name: str
    status: str
    community: str
    claimed_by: str


class StandingOut(Schema):
    kind: str
    period: str
    held: int
    required: int
    status: str
    days_left: int


def _member(request) -> PartyMember:
    member = policy(request.user).member
    if member is None:
        raise NotAllowed("您的账号没有登记为党员。")
    return member


@router.get("party/me", auth=REQUIRED, response={200: MeOut, **ERRORS}, summary="我的积分")
def me(request):
    m = _member(request)
    return MeOut(
        name=m.name,
        branch_id=m.branch_id,
        branch=m.branch.short_name or m.branch.name,
        stage=m.stage,
        points_total=m.points_total,
        today=[ProgressOut(**p.__dict__) for p in selectors.today(m)],
    )


@router.get(
    "party/me/points", auth=REQUIRED, response={200: list[EntryOut], **ERRORS}, summary="积分明细"
)
def my_points(request, limit: int = Query(50, ge=1, le=500)):
    return list(selectors.recent_points(_member(request), limit))


@router.post(
    "party/study/beat", auth=REQUIRED, response={200: BeatOut, **ERRORS}, summary="学习心跳"
)
def beat(request, payload: BeatIn):
    m = _member(request)
    found = study.beat(m, payload.session, resume=payload.resume)
    m.refresh_from_db(fields=["points_total"])
    return BeatOut(total=m.points_total, **found.__dict__)


@router.get("party/wishes", response=list[WishOut], summary="微心愿墙（已隐去个人信息）")
def wish_wall(request, limit: int = Query(100, ge=1, le=500)):
    return [
        WishOut(
            id=w.pk,
            title=w.title,
            body=w.body,
            name=w.name,
            status=w.status,
            community=w.community,
            claimed_by=w.claimed_by,
        )
        for w in wishes.wall(limit=limit)
    ]


@router.get(
    "party/branches/{branch_id}/standings",
    auth=REQUIRED,
    response={200: list[StandingOut], **ERRORS},
    summary="三会一课落实情况（本期）",
)
def standings(request, branch_id: int):
    branch = Org.objects.filter(pk=branch_id, kind=OrgKind.PARTY_BRANCH).first()
    if branch is None or not policy(request.user).can_view_branch(branch):
        raise NotFound("没有这个党支部。")
    return [
        StandingOut(
            kind=r.kind.name,
            period=r.label,
            held=r.standing.held,
            required=r.standing.required,
            status=r.standing.status,
            days_left=r.standing.days_left,
        )
        for r in meetings.standings(branch)
    ]
