"""The 纪检监察 orgs beside the county and the city government, for the 举报 tests."""

from types import SimpleNamespace

import pytest

from massline.orgs.models import Level, Org, OrgKind, Role
from tests.conftest import _user


@pytest.fixture
def jw(places, orgs):
    """The 纪检监察 orgs beside the county and the city government, with their people."""
    county = Org.objects.create(
        name="黄州区纪委监委",
        kind=OrgKind.DISCIPLINE,
        level=Level.COUNTY,
        region=places.huangzhou,
        parent=orgs.county,
    )
    city = Org.objects.create(
        name="黄冈市纪委监委",
        kind=OrgKind.DISCIPLINE,
        level=Level.CITY,
        region=places.huanggang,
        parent=orgs.city,
    )
    return SimpleNamespace(
        county=county,
        city=city,
        handler=_user("hz_jiwei", "严承办", org=county, role=Role.HANDLER),
        leader=_user("hz_jiwei_lead", "纪书记", org=county, role=Role.LEADER),
        city_handler=_user("hg_jiwei", "郑清廉", org=city, role=Role.HANDLER),
        county_leader=_user("hz_leader", "柯区长", org=orgs.county, role=Role.LEADER),
        room=Org.objects.create(
            name="第一纪检监察室",
            kind=OrgKind.DISCIPLINE,
            level=Level.COUNTY,
            region=places.huangzhou,
            parent=county,
        ),
    )
