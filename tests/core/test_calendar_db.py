from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from massline.core.calendar import calendar_warnings, get_calendar
from massline.core.models import CalendarDay, CalendarYear
from massline.core.workdays import package_horizon

pytestmark = pytest.mark.django_db

UNKNOWN_YEAR = package_horizon()[1] + 1
MONDAY = date(2026, 3, 9)


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_an_override_saved_in_the_table_changes_the_calendar_at_once():
    start = local(2026, 3, 6, 10)
    assert get_calendar().add_working_days(start, 1) == local(2026, 3, 9, 10)

    day = CalendarDay.objects.create(date=MONDAY, is_workday=False, name="抗洪停工")
    assert not get_calendar().is_workday(MONDAY)
    assert get_calendar().add_working_days(start, 1) == local(2026, 3, 10, 10)

    day.is_workday = True
    day.save()
    assert get_calendar().is_workday(MONDAY)

    day.delete()
    assert get_calendar().add_working_days(start, 1) == local(2026, 3, 9, 10)


def test_a_make_up_saturday_entered_by_hand_becomes_a_working_day():
    saturday = date(2026, 3, 14)
    assert not get_calendar().is_workday(saturday)
    CalendarDay.objects.create(date=saturday, is_workday=True, name="调休上班")
    assert get_calendar().is_workday(saturday)


def test_deadlines_from_utc_moments_are_counted_on_local_working_days():
    friday_night_utc = datetime(2026, 3, 6, 17, tzinfo=UTC)
    assert not get_calendar().is_workday(friday_night_utc)
    deadline = get_calendar().add_working_days(friday_night_utc, 1)
    assert timezone.localtime(deadline) == local(2026, 3, 9, 23, 59, 59)


def test_staff_are_warned_about_a_year_nobody_entered_until_an_administrator_enters_it():
    end = date(UNKNOWN_YEAR, 1, 10)
    assert calendar_warnings(date(UNKNOWN_YEAR - 1, 12, 15), end) == [
        f"{UNKNOWN_YEAR}年节假日安排尚未录入，期限按周一至周五计算，"
        "请管理员在“节假日”中录入国务院公布的安排。"
    ]
    CalendarYear.objects.create(year=UNKNOWN_YEAR, note="国办发明电")
    assert calendar_warnings(date(UNKNOWN_YEAR - 1, 12, 15), end) == []


def test_no_warning_is_given_for_a_span_the_package_knows():
    assert calendar_warnings(local(2026, 2, 1, 9), local(2026, 3, 1, 9)) == []


def write(tmp_path, text: str):
    path = tmp_path / "schedule.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_loads_a_years_schedule_and_marks_the_year_entered(tmp_path):
    path = write(
        tmp_path,
        "date,is_workday,name\n2027-01-01,0,元旦\n2027-02-06,1,调休上班\n2027-02-08,0,春节\n",
    )
    out = StringIO()
    call_command("calendar_year", "2027", "--file", str(path), stdout=out)

    assert "新增 3 天" in out.getvalue()
    assert CalendarYear.objects.get(year=2027).note == "由 schedule.csv 导入"
    calendar = get_calendar()
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 6))
    assert calendar.fallback_years(date(2027, 1, 1), date(2027, 12, 31)) == []
    assert CalendarDay.objects.get(date=date(2027, 2, 8)).name == "春节"


def test_loading_a_corrected_file_with_replace_drops_the_days_it_no_longer_lists(tmp_path):
    call_command("calendar_year", "2027", "--file", str(write(tmp_path, "2027-01-04,0,错录\n")))
    path = write(tmp_path, "2027-01-01,0,元旦\n")
    call_command("calendar_year", "2027", "--file", str(path), "--replace", stdout=StringIO())
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 1, 1)]
    assert get_calendar().is_workday(date(2027, 1, 4))


def test_the_command_rejects_a_bad_line_naming_it_and_stores_nothing(tmp_path):
    path = write(tmp_path, "date,is_workday,name\n2027-01-01,0,元旦\n2027-02-30,0,春节\n")
    with pytest.raises(CommandError, match="第3行：日期“2027-02-30”无效"):
        call_command("calendar_year", "2027", "--file", str(path))
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


def test_the_command_needs_a_file_or_show():
    with pytest.raises(CommandError, match="--file"):
        call_command("calendar_year", "2027")


def test_show_lists_the_holidays_and_make_up_working_days_of_a_year():
    CalendarDay.objects.create(date=date(2026, 3, 9), is_workday=False, name="抗洪停工")
    out = StringIO()
    call_command("calendar_year", "2026", "--show", stdout=out)
    text = out.getvalue()
    assert "2026-02-16 周一 春节" in text
    assert "2026-02-14 周六 调休上班（春节）" in text
    assert "2026-03-09 周一 抗洪停工" in text
    assert "尚未录入" not in text


def test_show_warns_when_the_year_has_not_been_entered():
    out = StringIO()
    call_command("calendar_year", str(UNKNOWN_YEAR), "--show", stdout=out)
    assert f"{UNKNOWN_YEAR}年节假日安排尚未录入" in out.getvalue()
    assert f"{UNKNOWN_YEAR}年放假 0 天" in out.getvalue()


def test_a_saturday_entered_in_one_test_is_gone_in_the_next():
    assert not get_calendar().is_workday(date(2026, 3, 14))
    assert get_calendar().is_workday(MONDAY)
    assert get_calendar().is_workday(MONDAY + timedelta(days=1))
