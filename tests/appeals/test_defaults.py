"""Facts written in two places on purpose, held equal: a migration freezes the defaults it
seeded, and the code keeps them for kinds without a row."""

from importlib import import_module

from massline.appeals.deadlines import DEFAULT_REPLY_DAYS
from massline.appeals.models import DeadlinePolicy, Kind


def test_the_seed_migration_holds_the_codes_default_deadlines():
    seed = import_module("massline.appeals.migrations.0003_seed_taxonomy_and_policies")
    expected = {str(kind): days for kind, days in DEFAULT_REPLY_DAYS.items()}
    assert expected == seed.POLICIES
    assert set(DEFAULT_REPLY_DAYS) == set(Kind.values)


def test_a_fresh_database_has_one_policy_row_per_kind_with_those_defaults(db):
    rows = dict(DeadlinePolicy.objects.values_list("kind", "reply_days"))
    assert rows == {str(kind): days for kind, days in DEFAULT_REPLY_DAYS.items()}
