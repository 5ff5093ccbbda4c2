"""党费: the rate table, monthly bills, payments through a pluggable backend, arrears.

Real money needs a real payment provider (a bank's or a licensed payment institution's
collection service, with its own contract, notifications and reconciliation); this platform
ships only `RecordingBackend`, with which the branch's treasurer records dues received in
cash or by transfer. A provider's backend implements `PaymentBackend` and is named by the
setting PARTY_DUES_BACKEND."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed
from massline.core.tabular import Sheet, xlsx
from massline.orgs.models import Org
from massline.party import rules
from massline.party.models import (
    DuesAccount,
    DuesCategory,
    DuesRate,
    DuesRecord,
    MemberStatus,
    PartyMember,
    Stage,
)
from massline.party.policy import policy

DEFAULT_RATES: list[dict[str, Any]] = [
    {"category": DuesCategory.SALARIED, "above": Decimal(0), "percent": Decimal("0.5")},
    {"category": DuesCategory.SALARIED, "above": Decimal(3000), "percent": Decimal(1)},
    {"category": DuesCategory.SALARIED, "above": Decimal(5000), "percent": Decimal("1.5")},
    {"category": DuesCategory.SALARIED, "above": Decimal(10000), "percent": Decimal(2)},
    {"category": DuesCategory.RETIRED, "above": Decimal(0), "percent": Decimal("0.5")},
    {"category": DuesCategory.RETIRED, "above": Decimal(5000), "percent": Decimal(1)},
    {"category": DuesCategory.FARMER, "above": Decimal(0), "amount": Decimal("0.20")},
    {"category": DuesCategory.LOW_INCOME, "above": Decimal(0), "amount": Decimal("0.20")},
]
"""《关于中国共产党党费收缴、使用和管理的规定》(2008): salaried members pay 0.5% of a monthly
income up to 3000 yuan, 1% up to 5000, 1.5% up to 10000, 2% above; retired members 0.5% up to
5000, 1% above; farmers 0.2–1 yuan; students and members in hardship 0.2 yuan."""

CENT = Decimal("0.01")


def seed_rates() -> int:
    made = 0
    for row in DEFAULT_RATES:
        _, new = DuesRate.objects.get_or_create(
            category=row["category"], above=row["above"], defaults=row
        )
        made += new
    return made


@dataclass(frozen=True)
class Band:
    above: Decimal
    percent: Decimal | None
    amount: Decimal | None


def monthly_dues(base: Decimal, bands: Sequence[Band]) -> Decimal:
    """A month's dues on `base` by the band it falls in (the whole base at that band's rate,
    not progressively, as the rules say); bands sorted or not."""
    chosen: Band | None = None
    for band in sorted(bands, key=lambda b: b.above):
        if base > band.above or band.above == 0:
            chosen = band
    if chosen is None:
        return Decimal(0)
    if chosen.amount is not None:
        return chosen.amount.quantize(CENT)
    return (base * (chosen.percent or Decimal(0)) / 100).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Arrears:
    months: int
    total: Decimal
    oldest: date | None


def arrears(unpaid: Iterable[tuple[date, Decimal]], month: date) -> Arrears:
    """What is owed for months before `month` (the current month is not yet in arrears)."""
    owed = sorted((m, a) for m, a in unpaid if m < month)
    return Arrears(
        months=len(owed),
        total=sum((a for _, a in owed), Decimal(0)),
        oldest=owed[0][0] if owed else None,
    )


def month_of(moment: datetime) -> date:
    return rules.points_day(moment).replace(day=1)


def bands(category: str) -> list[Band]:
    if not DuesRate.objects.exists():
        seed_rates()
    return [Band(r.above, r.percent, r.amount) for r in DuesRate.objects.filter(category=category)]


def payers(branch: Org):
    return PartyMember.objects.filter(
        branch=branch, stage__in=(Stage.PROBATIONARY, Stage.FULL)
    ).exclude(status=MemberStatus.TRANSFERRED)


def set_base(actor, member: PartyMember, category: str, base: Decimal) -> DuesAccount:
    if not policy(actor).can_manage_branch(member.branch):
        raise NotAllowed("只有本支部书记可以核定党费基数。")
    if category not in DuesCategory.values:
        raise InvalidInput("请选择党费类别。", field="category")
    if base < 0:
        raise InvalidInput("交纳基数不能为负数。", field="base")
    with transaction.atomic():
        account, _ = DuesAccount.objects.select_for_update(of=("self",)).get_or_create(
            member=member
        )
        account.category, account.base, account.updated_at = category, base, timezone.now()
        account.save()
        audit("party.dues_base", actor=actor, target=member, category=category, base=str(base))
    return account


def bill(branch: Org, month: date, actor=None) -> int:
    """Create the month's dues record of every paying member who has none; returns how many.
    Members without a dues base yet get none (the branch sets bases first)."""
    month = month.replace(day=1)
    made = 0
    with transaction.atomic():
        accounts = DuesAccount.objects.filter(member__in=payers(branch)).select_related("member")
        have = set(
            DuesRecord.objects.filter(member__branch=branch, month=month).values_list(
                "member_id", flat=True
            )
        )
        cache: dict[str, list[Band]] = {}
        rows = []
        for account in accounts:
            if account.member_id in have:
                continue
            table = cache.setdefault(account.category, bands(account.category))
            rows.append(
                DuesRecord(
                    member=account.member, month=month, amount=monthly_dues(account.base, table)
                )
            )
        DuesRecord.objects.bulk_create(rows)
        made = len(rows)
        if made:
            audit("party.dues_billed", actor=actor, target=branch, month=str(month), count=made)
    return made


class PaymentBackend(Protocol):
    name: str

    def collect(self, record: DuesRecord, *, actor: Any, reference: str) -> str:
        """Take the payment of `record`; returns the payment's reference."""
        ...


class RecordingBackend:
    """Records dues the treasurer received (cash, transfer); moves no money."""

    name = "recorded"

    def collect(self, record: DuesRecord, *, actor: Any, reference: str) -> str:
        return reference or f"登记-{record.member_id}-{record.month:%Y%m}"


def backend() -> PaymentBackend:
    path = getattr(settings, "PARTY_DUES_BACKEND", "massline.party.dues.RecordingBackend")
    instance: PaymentBackend = import_string(path)()
    return instance


def pay(actor, record_id: int, reference: str = "", now: datetime | None = None) -> DuesRecord:
    now = now or timezone.now()
    with transaction.atomic():
        record = (
            DuesRecord.objects.select_for_update(of=("self",))
            .select_related("member__branch")
            .get(pk=record_id)
        )
        if not policy(actor).can_manage_branch(record.member.branch):
            raise NotAllowed("只有本支部书记或党费收缴员可以登记党费。")
        if record.paid_at is not None:
            raise IllegalTransition("这个月的党费已登记交纳。", state="paid")
        chosen = backend()
        record.reference = chosen.collect(record, actor=actor, reference=reference.strip())[:80]
        record.backend = chosen.name
        record.paid_at = now
        record.recorded_by = actor
        record.save(update_fields=["reference", "backend", "paid_at", "recorded_by"])
        audit("party.dues_paid", actor=actor, target=record, amount=str(record.amount))
    return record


@dataclass(frozen=True)
class Line:
    member: PartyMember
    account: DuesAccount | None
    current: DuesRecord | None
    arrears: Arrears


def ledger(branch: Org, month: date) -> list[Line]:
    """The treasurer's view: each paying member's base, this month's record and arrears."""
    members = list(payers(branch).select_related("dues"))
    records = DuesRecord.objects.filter(member__in=members, month__lte=month)
    current = {r.member_id: r for r in records if r.month == month}
    unpaid: dict[int, list[tuple[date, Decimal]]] = {}
    for r in records:
        if r.paid_at is None:
            unpaid.setdefault(r.member_id, []).append((r.month, r.amount))
    return [
        Line(
            m,
            getattr(m, "dues", None),
            current.get(m.pk),
            arrears(unpaid.get(m.pk, []), month),
        )
        for m in members
    ]


def workbook(branch: Org, month: date, lines: list[Line]) -> bytes:
    head = ["姓名", "类别", "月交纳基数（元）", "本月应交（元）", "本月已交", "交纳时间",
            "凭证号", "欠交月数", "欠交金额（元）"]  # fmt: skip
    rows = []
    for line in lines:
        r = line.current
        rows.append(
            [
                line.member.name,
                line.account.get_category_display() if line.account else "未核定",
                float(line.account.base) if line.account else None,
                float(r.amount) if r else None,
                "是" if r and r.paid else "否",
                timezone.localtime(r.paid_at).strftime("%Y-%m-%d %H:%M") if r and r.paid_at else "",
                r.reference if r else "",
                line.arrears.months,
                float(line.arrears.total),
            ]
        )
    return xlsx([Sheet(f"{month:%Y年%m月}党费", head, rows)])


def members_in_arrears(months: int = 3, now: datetime | None = None):
    """(member, arrears) of members with a login owing `months` or more: the reminders."""
    month = month_of(now or timezone.now())
    unpaid: dict[int, list[tuple[date, Decimal]]] = {}
    for r in DuesRecord.objects.filter(paid_at__isnull=True, month__lt=month).select_related(
        "member"
    ):
        unpaid.setdefault(r.member_id, []).append((r.month, r.amount))
    found = PartyMember.objects.filter(pk__in=unpaid, user__isnull=False).select_related("user")
    for m in found:
        owed = arrears(unpaid[m.pk], month)
        if owed.months >= months:
            yield m, owed
