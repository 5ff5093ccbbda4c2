"""What a viewer reads of an appeal: masking, the events shown, the actions offered.

The API's schemas and the web pages both render these dictionaries, so who sees what is
decided here once (with `permissions.policy`), never in a view or a template.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from massline.appeals import workflow
from massline.appeals.actions import DIRECT_KINDS, Action, allowed
from massline.appeals.deadlines import (
    Clock,
    days_left,
    expected_reply_by,
    policies,
    policy_for,
    running_clock,
    standing,
)
from massline.appeals.models import (
    ANONYMOUS_REPORTER,
    OPEN_STATES,
    Appeal,
    Attachment,
    ExtensionRequest,
    Kind,
    Verdict,
)
from massline.appeals.permissions import Policy, policy
from massline.appeals.privacy import masker
from massline.core.audit import audit
from massline.core.calendar import calendar_warnings
from massline.core.errors import NotFound
from massline.orgs.models import Role


def local(moment: datetime | None) -> datetime | None:
    """Times leave the API in the platform's time zone (+08:00), as residents read them."""
    return timezone.localtime(moment) if moment is not None else None


def clock(c: Clock | None) -> dict | None:
    if c is None:
        return None
    return {
        "step": c.step,
        "label": c.label,
        "due_at": local(c.due_at),
        "amount": c.amount,
        "late": c.amount < 0,
        "late_amount": -c.amount,
        "in_hours": c.in_hours,
        "light": c.light,
    }


def summary(a: Appeal, now: datetime, show, deadline_policy=None) -> dict:
    st = standing(a, now, deadline_policy)
    return {
        "tracking_no": a.tracking_no,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "title": show(a.title),
        "state": a.state,
        "state_label": a.get_state_display(),
        "category": a.category.name if a.category else None,
        "region": a.region.name,
        "hub": a.hub.name,
        "lead_org": a.lead_org.name if a.lead_org else None,
        "supervised": a.supervised,
        "is_public": a.is_public,
        "created_at": local(a.created_at),
        "replied_at": local(a.replied_at),
        "deadline": {
            "sign_due_at": local(a.sign_due_at),
            "reply_due_at": local(a.reply_due_at),
            "status": st.status,
            "label": st.label,
            "days_left": days_left(a, now),
        },
        "clock": clock(running_clock(a, now, deadline_policy)),
    }


def _original_for(rules: Policy, a: Appeal) -> bool:
    """Whether the viewer reads the original; a leader's reading of it, and a 纪检监察
    handler's reading of a sealed reporter, are audited."""
    if not rules.can_see_original(a):
        return False
    roles = rules.roles(a)
    if Role.LEADER in roles and not roles & {Role.RESIDENT, Role.DISPATCHER, Role.HANDLER}:
        audit("appeal.original_viewed", actor=rules.user, target=a, tracking_no=a.tracking_no)
    if rules.unseals_reporter(a):
        audit("report.reporter_viewed", actor=rules.user, target=a, tracking_no=a.tracking_no)
    return True


def _report(rules: Policy, a: Appeal, original: bool) -> dict | None:
    """What a viewer reads of a 举报's own facts: whom it names, where it is handled, the
    report a retaliation complaint follows and the complaints that follow it."""
    if a.kind != Kind.REPORT and a.accused_org_id is None:
        return None
    return {
        "accused_org": a.accused_org.name if a.accused_org else None,
        "about_official": a.about_official,
        "sealed": a.sealed,
        "discipline_org": a.discipline_org.name if a.discipline_org else None,
        "anonymous": a.submitted_by.username == ANONYMOUS_REPORTER,
        "reporter_shown": a.sealed and original,
        "related_report": a.related_report.tracking_no if a.related_report else None,
        "retaliations": [r.tracking_no for r in a.retaliations.all()] if a.sealed else [],
    }


def _timeline(rules: Policy, a: Appeal, show, staff: bool, as_public: bool) -> list[dict]:
    return [
        {
            "at": local(e.created_at),
            "action": e.action,
            "action_label": Action(e.action).label,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "org": e.actor_org.name if e.actor_org else None,
            "actor": e.actor.display_name
            if e.actor and not as_public and rules.can_see_names(a, e)
            else None,
            "note": show(e.note) if rules.reads_note(a, e, as_public=as_public) else "",
            "internal_note": show(e.internal_note) if staff else None,
        }
        for e in a.events.all()
        if staff or e.is_public
    ]


def detail(user, a: Appeal, *, looked_up: bool = False) -> dict:
    """The detail of an appeal whose relations are loaded (`appeal_detail`, or a new one).

    `looked_up`: found by tracking number and phone without logging in, and shown as the
    public would read it (masked, public events only) even when it is not public."""
    rules = policy(user)
    if not (looked_up or rules.can_see(a)):
        raise NotFound("诉求不存在。", field="tracking_no")
    roles = rules.roles(a)
    staff = rules.sees_as_staff(a) and not looked_up
    original = not looked_up and _original_for(rules, a)
    show = masker(a, original)
    now = timezone.now()
    limits = policy_for(a.kind)
    out = summary(a, now, show, limits)
    out.update(
        expected_reply_by=local(expected_reply_by(a, now, limits))
        if a.state in OPEN_STATES and not a.merged_into_id
        else None,
        body=show(a.body),
        location=show(a.location),
        version=a.version,
        round=a.round,
        reply_text=show(a.reply_text),
        reply_org=a.reply_org.name if a.reply_org else None,
        co_orgs=[o.name for o in a.co_orgs.all()],
        merged_into=a.merged_into.tracking_no if a.merged_into else None,
        merged=[m.tracking_no for m in a.merged.all()],
        contact_name=a.contact_name if original else None,
        contact_phone=a.contact_phone if original else None,
        ratings=[
            {
                "round": r.round,
                "verdict": r.verdict,
                "verdict_label": Verdict(r.verdict).label,
                "resolved": r.resolved,
                "comment": show(r.comment),
                "at": local(r.created_at),
            }
            for r in a.ratings.all()
        ],
        attachments=[
            attachment(a, f) for f in a.attachments.all() if not looked_up and rules.can_download(f)
        ],
        is_mine=not looked_up and Role.RESIDENT in roles,
        timeline=_timeline(rules, a, show, staff, looked_up),
        report=_report(rules, a, original),
        actions=[
            x
            for x in allowed(a.state, roles, bool(a.merged_into_id))
            if x in workflow.REGISTRY and (x not in ONLY_IF or ONLY_IF[x](a))
        ],
        roles=sorted(roles),
        warnings=_warnings(a, now) if staff else [],
    )
    return out


def attachment(a: Appeal, f: Attachment) -> dict:
    """`by`: "resident" for what the appeal's resident sent, "staff" for what the handling
    departments attached (a reply's photos)."""
    return {
        "id": f.pk,
        "url": f"/api/v1/appeals/{a.tracking_no}/attachments/{f.pk}",
        "name": f.name,
        "content_type": f.content_type,
        "size": f.size,
        "is_image": f.content_type.startswith("image/"),
        "by": "resident" if f.uploaded_by_id == a.submitted_by_id else "staff",
        "at": local(f.created_at),
    }


def _pending_extension(a: Appeal) -> bool:
    """Only a pending request can be decided: the desk offers no form that can only fail."""
    return any(x.status == ExtensionRequest.Status.PENDING for x in a.extensions.all())


def _follow_up_owed(a: Appeal) -> bool:
    return a.follow_ups.filter(done_at__isnull=True).exists()


ONLY_IF: dict[str, Callable[[Appeal], bool]] = {
    Action.DIRECT_ANSWER: lambda a: a.kind in DIRECT_KINDS,
    Action.DECIDE_EXTENSION: _pending_extension,
    Action.FOLLOW_UP: _follow_up_owed,
}
"""Actions the rules allow that make sense only when something awaits them: the desk offers
no form that can only fail."""


def _warnings(a: Appeal, now: datetime) -> list[str]:
    end = timezone.localdate(a.reply_due_at or now)
    return calendar_warnings(timezone.localdate(now), max(end, timezone.localdate(now)))


def summaries(user, rows: list[Appeal], now: datetime | None = None) -> list[dict]:
    """List rows as `user` may read them (masked unless they may see the original)."""
    now = now or timezone.now()
    rules = policy(user)
    table = policies()
    return [summary(a, now, masker(a, rules.can_see_original(a)), table[a.kind]) for a in rows]
