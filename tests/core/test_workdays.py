from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from massline.core.workdays import (
    ScheduleError,
    WorkCalendar,
    package_day_name,
    package_horizon,
    parse_schedule,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = package_horizon()
package_knows_2027 = pytest.mark.skipif(
    LAST_YEAR >= 2027, reason="the installed chinesecalendar already knows 2027"
)


def test_the_horizon_is_the_span_of_years_the_package_has_tables_for():
    assert FIRST_YEAR == 2004
    assert LAST_YEAR >= 2026
    assert WorkCalendar().horizon == (FIRST_YEAR, LAST_YEAR)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(LAST_YEAR + 1, 3, 1))


def test_the_calendar_agrees_with_the_package_on_every_day_it_knows():
    calendar = WorkCalendar()
    day = date(FIRST_YEAR, 1, 1)
    while day.year <= LAST_YEAR:
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_the_2026_spring_festival_is_a_holiday_framed_by_two_make_up_saturdays():
    calendar = WorkCalendar()
    festival = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert not any(calendar.is_workday(d) for d in festival)
    for saturday in (date(2026, 2, 14), date(2026, 2, 28)):
        assert saturday.weekday() == 5
        assert calendar.is_workday(saturday)
        assert chinese_calendar.is_workday(saturday)
    assert package_day_name(date(2026, 2, 16)) == "春节"
    assert package_day_name(date(2026, 2, 14)) == "调休上班（春节）"


def test_a_limit_set_before_the_festival_counts_the_make_up_saturday_and_skips_the_holiday():
    calendar = WorkCalendar()
    assert calendar.add_working_days(datetime(2026, 2, 13, 10), 3) == datetime(2026, 2, 25, 10)


def test_a_one_day_limit_set_on_friday_afternoon_ends_on_the_make_up_saturday():
    calendar = WorkCalendar()
    assert calendar.add_working_days(datetime(2026, 2, 27, 16), 1) == datetime(2026, 2, 28, 16)


def test_a_limit_set_during_the_holiday_counts_from_the_first_working_day_after_it():
    calendar = WorkCalendar()
    deadline = calendar.add_working_days(datetime(2026, 2, 18, 9, 30), 3)
    assert deadline == datetime(2026, 2, 26, 23, 59, 59)


def test_a_limit_set_on_an_ordinary_sunday_ends_at_the_close_of_the_nth_working_day():
    calendar = WorkCalendar()
    assert date(2026, 3, 8).weekday() == 6
    deadline = calendar.add_working_days(datetime(2026, 3, 8, 15), 1)
    assert deadline == datetime(2026, 3, 9, 23, 59, 59)


def test_a_limit_ending_exactly_at_midnight_stays_on_its_working_day():
    calendar = WorkCalendar()
    friday_midnight = datetime(2026, 3, 13, 0, 0)
    assert calendar.add_working_days(friday_midnight, 1) == datetime(2026, 3, 13, 23, 59, 59)


def test_working_hours_pass_only_on_working_days():
    calendar = WorkCalendar()
    make_up_saturday_noon = datetime(2026, 2, 14, 12)
    assert calendar.add_working_hours(make_up_saturday_noon, 24) == datetime(2026, 2, 24, 12)
    assert calendar.add_working_hours(make_up_saturday_noon, 6) == datetime(2026, 2, 14, 18)


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar().add_working_hours(datetime(2026, 3, 9, 9), -1)


def test_a_utc_moment_is_judged_by_the_local_date_and_answered_in_local_time():
    calendar = WorkCalendar(tz=SHANGHAI)
    friday_night_utc = datetime(2026, 2, 13, 20, tzinfo=UTC)
    deadline = calendar.add_working_days(friday_night_utc, 1)
    assert deadline == datetime(2026, 2, 24, 4, tzinfo=SHANGHAI)
    assert deadline.utcoffset() == timedelta(hours=8)
    assert calendar.is_workday(friday_night_utc)


def test_the_share_of_the_limit_used_counts_working_time_only():
    calendar = WorkCalendar()
    start = datetime(2026, 2, 13, 10)
    deadline = calendar.add_working_days(start, 3)
    limit = calendar.working_seconds_between(start, deadline)
    assert limit == 3 * 86400
    during_festival = datetime(2026, 2, 20, 11)
    assert calendar.working_days_between(start, during_festival) == pytest.approx(38 / 24)
    eighty_percent = datetime(2026, 2, 24, 19, 36)
    assert calendar.working_seconds_between(start, eighty_percent) / limit == pytest.approx(0.8)


def test_working_time_between_two_moments_on_one_holiday_is_zero_and_reversed_is_negative():
    calendar = WorkCalendar()
    assert (
        calendar.working_seconds_between(datetime(2026, 2, 17, 8), datetime(2026, 2, 17, 20)) == 0
    )
    a, b = datetime(2026, 3, 6, 12), datetime(2026, 3, 9, 12)
    assert calendar.working_days_between(a, b) == 1
    assert calendar.working_days_between(b, a) == -1


def test_working_days_are_counted_across_years_from_the_per_year_tables():
    calendar = WorkCalendar()
    assert calendar.count_workdays(date(2025, 1, 1), date(2027, 1, 1)) == sum(
        chinese_calendar.is_workday(date(2025, 1, 1) + timedelta(days=i)) for i in range(730)
    )


def test_an_override_beats_the_package():
    without_make_up_day = WorkCalendar({date(2026, 2, 14): False, date(2026, 3, 9): False})
    deadline = without_make_up_day.add_working_days(datetime(2026, 2, 13, 10), 3)
    assert deadline == datetime(2026, 2, 26, 10)
    assert not without_make_up_day.is_workday(date(2026, 3, 9))


@package_knows_2027
def test_a_december_limit_running_into_2027_falls_back_to_monday_to_friday_and_says_so():
    calendar = WorkCalendar()
    start = datetime(2026, 12, 15, 10)
    deadline = calendar.add_working_days(start, 13)
    assert deadline == datetime(2027, 1, 1, 10)
    assert calendar.fallback_years(start.date(), deadline.date()) == [2027]
    assert calendar.year_source(2027) == "fallback"


@package_knows_2027
def test_an_override_for_new_years_day_2027_moves_the_deadline_to_the_next_monday():
    calendar = WorkCalendar({date(2027, 1, 1): False})
    assert calendar.add_working_days(datetime(2026, 12, 15, 10), 13) == datetime(2027, 1, 4, 10)
    assert calendar.fallback_years(date(2026, 12, 15), date(2027, 1, 4)) == [2027]


@package_knows_2027
def test_a_maintained_year_is_not_reported_as_a_fallback_year():
    calendar = WorkCalendar({date(2027, 1, 1): False}, maintained_years=[2027])
    assert calendar.fallback_years(date(2026, 12, 15), date(2027, 1, 4)) == []
    assert calendar.year_source(2027) == "maintained"
    assert calendar.is_workday(date(2027, 1, 5))


def test_every_year_past_the_horizon_falls_back_until_it_is_maintained():
    after = LAST_YEAR + 1
    calendar = WorkCalendar(maintained_years=[after + 1])
    assert calendar.fallback_years(date(LAST_YEAR, 6, 1), date(after + 2, 6, 1)) == [
        after,
        after + 2,
    ]
    assert calendar.fallback_years(date(after + 2, 1, 1), date(after, 1, 1)) == [after, after + 2]
    monday = date(after, 3, 1) + timedelta(days=-date(after, 3, 1).weekday() + 7)
    assert calendar.is_workday(monday)
    assert not calendar.is_workday(monday + timedelta(days=5))


def test_marked_days_list_the_packages_holidays_and_make_up_days_with_overrides_on_top():
    marked = WorkCalendar({date(2026, 3, 9): False}).marked_days(2026)
    assert marked[date(2026, 2, 14)] is True
    assert marked[date(2026, 2, 16)] is False
    assert marked[date(2026, 3, 9)] is False
    assert date(2026, 3, 10) not in marked


def test_a_schedule_file_is_parsed_with_its_header_names_and_comments():
    text = (
        "\ufeffdate,is_workday,name\n"
        "# 国办发明电〔2026〕1号\n"
        "2027-01-01,0,元旦\n"
        "\n"
        "2027-02-20,上班,调休上班\n"
        "2027/02/08,否\n"
    )
    assert parse_schedule(text, 2027) == [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 20), True, "调休上班"),
        (date(2027, 2, 8), False, ""),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01,0,元旦\n2027-13-01,0,春节\n", "第2行：日期“2027-13-01”无效"),
        ("2027-01-01,0\n2026-12-31,0\n", "第2行：日期 2026-12-31 不属于 2027 年"),
        ("2027-01-01,0\n2027-01-01,1\n", "第2行：日期 2027-01-01 与第1行重复"),
        ("date,is_workday\n2027-01-01,maybe\n", "第2行：是否上班“maybe”无法识别"),
        ("2027-01-01\n", "第1行：应有 2 或 3 列"),
        ("# nothing\n", "文件中没有任何日期"),
    ],
    ids=["bad date", "other year", "duplicate", "bad flag", "one column", "empty"],
)
def test_a_bad_schedule_line_is_rejected_with_its_line_number(text, message):
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(text, 2027)
