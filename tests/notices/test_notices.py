"""The notification centre: each notice once per person, only one's own, read and unread,
the count in the header, and sending on the switched-on channels exactly once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from massline.accounts.sms import MemoryBackend
from massline.notices.models import Delivery, Notice
from massline.notices.services import notify, unread_count


@pytest.fixture
def staff(people):
    people.handler.email = "hz_urban@example.gov.cn"
    people.handler.phone = "13900000011"
    people.handler.save()
    return people


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_key_reaches_each_person_once_however_often_it_is_raised(staff):
    p = staff
    first = notify([p.handler, p.leader, p.handler], key="remind:1:reply:overdue", title="超期")
    again = notify([p.handler, p.leader], key="remind:1:reply:overdue", title="超期")
    assert len(first) == 2 and again == []
    assert Notice.objects.filter(key="remind:1:reply:overdue").count() == 2


def test_the_header_counts_unread_notices_and_the_centre_lists_only_ones_own(staff):
    p = staff
    notify([p.handler], key="a", title="黄州区城管局：HG001 答复即将超期", link="/office/")
    notify([p.leader], key="b", title="给领导的通知")
    page = signed_in(p.handler).get("/notices/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "HG001 答复即将超期" in text and "给领导的通知" not in text
    assert 'class="tool-link notice-bell"' in text and "未读</span>1</span>" in text


def test_opening_a_notice_marks_it_read_and_follows_its_link_but_not_anothers(staff):
    p = staff
    (mine,) = notify([p.handler], key="a", title="x", link="/office/")
    (theirs,) = notify([p.leader], key="a", title="x", link="/office/")
    c = signed_in(p.handler)
    assert c.get(f"/notices/{theirs.pk}/").status_code == 404
    res = c.get(f"/notices/{mine.pk}/")
    assert res.status_code == 302 and res["Location"] == "/office/"
    assert unread_count(p.handler) == 0 and unread_count(p.leader) == 1


def test_a_link_to_another_site_is_not_followed(staff):
    (n,) = notify([staff.handler], key="a", title="x", link="https://evil.example/")
    res = signed_in(staff.handler).get(f"/notices/{n.pk}/")
    assert res["Location"] == "/notices/"


def test_mark_all_read_touches_only_ones_own(staff):
    p = staff
    notify([p.handler, p.leader], key="a", title="x")
    notify([p.handler], key="b", title="y")
    c = signed_in(p.handler)
    assert c.post("/notices/read/", {"all": "1"}).status_code == 302
    assert unread_count(p.handler) == 0 and unread_count(p.leader) == 1
    assert c.get("/notices/?unread=1").content.decode().count("notice-item") == 0


def test_mark_read_needs_a_post_with_its_csrf_token(staff):
    notify([staff.handler], key="a", title="x")
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff.handler)
    assert c.get("/notices/read/").status_code == 405
    assert c.post("/notices/read/", {"all": "1"}).status_code == 403
    assert unread_count(staff.handler) == 1


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    res = Client().get("/notices/")
    assert res.status_code == 302 and res["Location"].startswith("/login/")


@pytest.mark.django_db(transaction=True)
def test_notices_go_out_by_email_and_sms_once_even_when_the_task_runs_twice(staff, settings):
    """Committed for real: the worker reads the queue the way it does in production."""
    settings.NOTICE_CHANNELS = ["email", "sms"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify([staff.handler, staff.leader], key="k", title="HG002 已超期", link="/office/")
    # the leader has neither address: those deliveries are recorded as skipped
    assert Delivery.objects.filter(status="skipped").count() == 2
    (task,) = DBTaskResult.objects.all()
    call_command("worker", "--batch", "--no-scheduler")
    assert len(mail.outbox) == 1 and "HG002 已超期" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["hz_urban@example.gov.cn"]
    assert [phone for phone, _ in MemoryBackend.outbox] == ["13900000011"]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    from massline.notices.tasks import deliver

    deliver.call(list(Delivery.objects.values_list("pk", flat=True)))  # a retry
    assert len(mail.outbox) == 1 and len(MemoryBackend.outbox) == 1
