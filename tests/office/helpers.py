"""Appeals at each step of their life, set up through the services and the workflow."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal
from massline.appeals.services import submit_appeal

BODY = "胜利街中段路灯不亮已有两周，夜间行人看不清路面，存在安全隐患。联系电话13912345678。"
BACKEND = "massline.accounts.backends.PhoneOrUsernameBackend"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def new(people, title="胜利街路灯损坏", region="421102001", is_public=True) -> Appeal:
    data = AppealIn(
        kind="complaint", title=title, body=BODY, region_code=region, is_public=is_public
    )
    appeal, _ = submit_appeal(people.resident, data)
    return appeal


def accepted(people, **kw) -> Appeal:
    appeal = new(people, **kw)
    workflow.do_accept(appeal.pk, people.county_dispatcher)
    return appeal


def assigned(people, orgs, co=True, **kw) -> Appeal:
    appeal = accepted(people, **kw)
    workflow.do_dispatch(
        appeal.pk,
        people.county_dispatcher,
        org_id=orgs.county_urban.pk,
        co_org_ids=[orgs.county_env.pk] if co else [],
    )
    return appeal


def in_progress(people, orgs, **kw) -> Appeal:
    appeal = assigned(people, orgs, **kw)
    workflow.do_sign(appeal.pk, people.handler)
    return appeal


def replied(people, orgs, **kw) -> Appeal:
    appeal = in_progress(people, orgs, **kw)
    workflow.do_reply(appeal.pk, people.handler, text="已联系供电部门更换灯具，路灯恢复照明。")
    return appeal


def fresh(appeal: Appeal) -> Appeal:
    return Appeal.objects.get(pk=appeal.pk)


def png(name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")
