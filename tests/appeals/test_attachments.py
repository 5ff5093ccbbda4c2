"""Attachments: only real images and PDFs, stored harmlessly, served only to those who hold
the appeal."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from massline.appeals.models import Appeal

GPS_TAG = 0x8825


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_TAG] = {1: "N", 2: (30.0, 27.0, 10.0), 3: "E", 4: (114.0, 52.0, 5.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, format="PNG")
    return out.getvalue()


def upload(client, no, name, data, content_type="image/png"):
    f = SimpleUploadedFile(name, data, content_type)
    return client.client.post(
        f"/api/v1/appeals/{no}/attachments", {"file": f}, headers=client.headers
    )


@pytest.fixture
def appeal_no(submit):
    return submit()["tracking_no"]


def test_a_photo_is_stored_without_its_gps_position(api, people, appeal_no):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(GPS_TAG) is not None
    res = upload(api(people.resident), appeal_no, "现场.jpg", raw, "image/jpeg")
    assert res.status_code == 201, res.content.decode()
    att = Appeal.objects.get(tracking_no=appeal_no).attachments.get()
    stored = Image.open(att.file.open("rb"))
    assert stored.format == "JPEG" and stored.size == (40, 30)
    assert not stored.getexif(), "EXIF (with GPS) must be gone"


def test_an_html_file_dressed_as_an_image_is_refused(api, people, appeal_no):
    fake = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
    res = upload(api(people.resident), appeal_no, "xss.html", fake, "text/html")
    assert res.status_code == 422 and res.json()["field"] == "file"
    res = upload(api(people.resident), appeal_no, "virus.png", b"MZ\x90\x00 not an image")
    assert res.status_code == 422 and "图片" in res.json()["message"]
    assert Appeal.objects.get(tracking_no=appeal_no).attachments.count() == 0


def test_a_file_is_stored_under_a_random_name_with_its_real_extension(api, people, appeal_no):
    res = upload(api(people.resident), appeal_no, "../../evil.html", png())
    assert res.status_code == 201
    body = res.json()
    assert body["name"].endswith(".png") and "/" not in body["name"]
    att = Appeal.objects.get(tracking_no=appeal_no).attachments.get()
    stored = att.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".png") and "evil" not in stored and len(stored) == 36


def test_only_those_who_hold_the_appeal_can_download_an_attachment(api, people, appeal_no):
    url = upload(api(people.resident), appeal_no, "photo.png", png()).json()["url"]
    mine = api(people.resident).get(url)
    assert mine.status_code == 200
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert mine["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert mine["Content-Type"] == "image/png"
    assert b"".join(mine.streaming_content).startswith(b"\x89PNG")
    assert api(people.county_dispatcher).get(url).status_code == 200
    assert api(people.neighbour).get(url).status_code == 404
    assert api().get(url).status_code == 404


def test_a_pdf_is_downloaded_not_displayed(api, people, appeal_no):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    res = upload(api(people.resident), appeal_no, "证明.pdf", pdf, "application/pdf")
    assert res.status_code == 201
    got = api(people.resident).get(res.json()["url"])
    assert got["Content-Disposition"].startswith("attachment")


def test_attachments_per_appeal_are_capped(api, people, appeal_no, settings):
    settings.ATTACHMENTS_PER_APPEAL = 2
    client = api(people.resident)
    assert upload(client, appeal_no, "1.png", png()).status_code == 201
    assert upload(client, appeal_no, "2.png", png()).status_code == 201
    res = upload(client, appeal_no, "3.png", png())
    assert res.status_code == 422 and "最多上传2个" in res.json()["message"]


def test_a_closed_appeal_takes_no_more_attachments(api, people, orgs, appeal_no):
    d, h = api(people.county_dispatcher), api(people.handler)
    d.post(f"/api/v1/appeals/{appeal_no}/accept")
    d.post(f"/api/v1/appeals/{appeal_no}/dispatch", {"org_id": orgs.county_urban.pk})
    h.post(f"/api/v1/appeals/{appeal_no}/sign")
    assert upload(h, appeal_no, "整改后.png", png()).status_code == 201, "handlers attach too"
    h.post(f"/api/v1/appeals/{appeal_no}/reply", {"text": "已责令工地夜间停工，并处罚款。"})
    api(people.resident).post(
        f"/api/v1/appeals/{appeal_no}/rate", {"verdict": "satisfied", "resolved": True}
    )
    res = upload(api(people.resident), appeal_no, "late.png", png())
    assert res.status_code == 409 and "已办结" in res.json()["message"]


def test_a_stranger_cannot_attach_to_someone_elses_appeal(api, people, appeal_no):
    res = upload(api(people.neighbour), appeal_no, "x.png", png())
    assert res.status_code == 404
