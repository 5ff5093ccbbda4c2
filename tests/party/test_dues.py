"""党费: rates (pure), arrears (pure), bills, payments through the recording backend, the
treasurer's page and its XLSX, reminders."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from massline.notices.models import Notice
from massline.party import dues, reminders
from massline.party.models import DuesRecord

SALARIED = [
    dues.Band(Decimal(0), Decimal("0.5"), None),
    dues.Band(Decimal(3000), Decimal(1), None),
    dues.Band(Decimal(5000), Decimal("1.5"), None),
    dues.Band(Decimal(10000), Decimal(2), None),
]


@pytest.mark.parametrize(
    ("base", "due"),
    [("0", "0.00"), ("2800", "14.00"), ("3000", "15.00"), ("3000.01", "30.00"),
     ("5000", "50.00"), ("8000", "120.00"), ("10000", "150.00"), ("12345.67", "246.91")],
)  # fmt: skip
def test_dues_are_the_whole_base_at_its_bands_rate(base, due):
    assert dues.monthly_dues(Decimal(base), list(reversed(SALARIED))) == Decimal(due)


def test_a_fixed_amount_band_pays_that_amount():
    assert dues.monthly_dues(Decimal(0), [dues.Band(Decimal(0), None, Decimal("0.2"))]) == Decimal(
        "0.20"
    )


def test_arrears_count_the_months_before_the_current_one():
    unpaid = [(date(2026, 9, 1), Decimal(15)), (date(2026, 12, 1), Decimal(15)),
              (date(2026, 10, 1), Decimal("20.5"))]  # fmt: skip
    owed = dues.arrears(unpaid, date(2026, 12, 1))
    assert (owed.months, owed.total, owed.oldest) == (2, Decimal("35.5"), date(2026, 9, 1))
    assert dues.arrears([], date(2026, 12, 1)).months == 0


def test_the_treasurer_sets_bases_bills_the_month_and_records_a_payment(party, client_for):
    c = client_for(party.secretary)
    url = f"/party/branch/{party.first.pk}/dues/?month=2026-11"
    res = c.post(url, {"action": "base", "member": party.record.pk, "category": "salaried",
                       "base": "6000"})  # fmt: skip
    assert res.status_code == 302
    c.post(url, {"action": "base", "member": party.secretary_record.pk, "category": "retired",
                 "base": "4000"})  # fmt: skip
    res = c.post(url, {"action": "base", "member": party.record.pk, "category": "salaried",
                       "base": "六千"}, follow=True)  # fmt: skip
    assert "交纳基数须为数字" in res.content.decode()
    res = c.post(url, {"action": "bill"}, follow=True)
    assert "已生成 2 条党费记录" in res.content.decode()
    assert c.post(url, {"action": "bill"}, follow=True).content.decode().count("已生成 0 条") == 1
    record = DuesRecord.objects.get(member=party.record)
    assert record.amount == Decimal("90.00") and record.month == date(2026, 11, 1)
    c.post(url, {"action": "pay", "record": record.pk, "reference": "=HYPERLINK()"})
    record.refresh_from_db()
    assert record.paid and record.backend == "recorded"
    again = c.post(url, {"action": "pay", "record": record.pk}, follow=True)
    assert "已登记交纳" in again.content.decode()
    sheet = load_workbook(BytesIO(c.get(url + "&format=xlsx").content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["方党员"][3] == 90 and rows["方党员"][4] == "是"
    assert rows["方党员"][6] == "=HYPERLINK()"  # as written, a text cell, never a formula
    assert not [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert rows["余书记"][3] == 20 and rows["余书记"][4] == "否"


def test_a_member_sees_their_arrears_and_another_branch_cannot_record(party, client_for):
    dues.set_base(party.secretary, party.record, "salaried", Decimal(2000))
    for month in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)):
        dues.bill(party.first, month)
    body = client_for(party.member).get("/party/dues/").content.decode()
    assert "您有 3 个月党费未交，共 30.00 元" in body
    record = DuesRecord.objects.filter(member=party.record).first()
    res = client_for(party.other_secretary).post(
        f"/party/branch/{party.first.pk}/dues/", {"action": "pay", "record": record.pk}
    )
    assert res.status_code == 404
    assert (
        client_for(party.member)
        .post(f"/party/branch/{party.first.pk}/dues/", {"action": "bill"})
        .status_code
        == 403
    )
    assert not DuesRecord.objects.filter(paid_at__isnull=False).exists()
    now = timezone.now()
    assert reminders._dues(now) == 1 and reminders._dues(now) == 0
    assert Notice.objects.get(recipient=party.member).title.startswith("您已有 3 个月党费未交")
