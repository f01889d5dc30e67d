"""Uploads are checked by content, not by name, against an allow-list and a size limit per purpose.

Every refusal leaves nothing behind: no row, no audit event, no file under
MEDIA_ROOT. Files are stored outside the web root and go out only through
the permission-checked download view.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import samples
from tests.conftest import client_for, member_of
from tests.incidents.helpers import T0, person
from tests.incidents.scenario import activated
from yingji import settings as project_settings
from yingji import uploads
from yingji.audit.models import AuditEvent
from yingji.complaints.models import ImportJob
from yingji.earlywarning.import_actions import start_import
from yingji.earlywarning.models import LedgerImport
from yingji.incidents.models import Attachment, EvidenceItem, LogEntry
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.plans.models import PlanDraft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def files_under(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def refused(data: bytes, purpose: str, name: str) -> str:
    with pytest.raises(ValidationError) as exc:
        uploads.check(data, purpose, name=name)
    [message] = exc.value.messages
    return message


def xlsx_with(extra: dict[str, bytes]) -> bytes:
    """A real workbook with members added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(samples.xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in extra:
                archive.writestr(info, source.read(info))
        for name, data in extra.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- the check itself ------------------------------------------------------------------


def test_real_files_are_accepted_as_what_they_are():
    found = {
        purpose: uploads.check(data, purpose, name=name).kind.key
        for purpose, data, name in [
            ("evidence", samples.mp4(), "DSJ-07.mp4"),
            ("attachment", samples.png(), "现场.png"),
            ("attachment", samples.jpeg(), "photo.jpg"),
            ("attachment", samples.wav(), "录音.wav"),
            ("summary", samples.pdf(), "总结.pdf"),
            ("ledger", samples.xlsx(), "台账.xlsx"),
            ("complaints", samples.xlsx(), "留言.xlsx"),
            ("plan", samples.docx(), "预案.docx"),
            ("plan", "一、总则\n（一）目的\n".encode("gb18030"), "预案.txt"),
            ("plan", "一、总则\n".encode("utf-16"), "预案.txt"),
        ]
    }
    assert found == {
        "evidence": "mp4",
        "attachment": "wav",
        "summary": "pdf",
        "ledger": "xlsx",
        "complaints": "xlsx",
        "plan": "txt",
    }
    assert uploads.check(samples.docx(), "plan").kind.key == "docx"
    assert uploads.check(samples.jpeg(), "attachment").kind.key == "jpeg"


def test_a_png_renamed_xlsx_is_refused_by_its_content():
    assert refused(samples.png(), "ledger", "台账.xlsx") == (
        "按文件内容判断，“台账.xlsx”是PNG 图片，此处不接受（可接受：Excel 工作簿（.xlsx））。"
    )


def test_an_exe_renamed_jpg_is_refused_by_its_content():
    assert refused(samples.exe(), "evidence", "photo.jpg").startswith(
        "按文件内容判断，“photo.jpg”是Windows 可执行程序，此处不接受（可接受：JPEG 图片、PNG 图片、"
    )


def test_other_disguises_are_refused_with_what_they_are():
    zip_of_photos = io.BytesIO()
    with zipfile.ZipFile(zip_of_photos, "w") as archive:
        archive.writestr("photo.jpg", samples.jpeg())
    old_word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    assert [
        refused(zip_of_photos.getvalue(), "plan", "预案.docx"),
        refused(old_word, "plan", "预案.doc"),
        refused(html, "attachment", "x.png"),
        refused(samples.exe(), "plan", "预案.txt"),
        refused(b"\x00\x01\x02\x03\xfe\xff" * 400, "plan", "预案.txt"),
        refused(b"", "summary", "空.pdf"),
        refused(samples.mp4(), "ledger", "台账.xlsx"),
        refused(b"PK\x03\x04broken", "ledger", "坏.xlsx"),
    ] == [
        "按文件内容判断，“预案.docx”是ZIP 压缩包，此处不接受（可接受：文本文件（.txt）、Word 文档（.docx））。",
        "按文件内容判断，“预案.doc”是旧版 Office 文件（.doc / .xls），请另存为 .docx 或 .xlsx 后重新上传，"
        "此处不接受（可接受：文本文件（.txt）、Word 文档（.docx））。",
        "按文件内容判断，“x.png”是网页（HTML），此处不接受（可接受：JPEG 图片、PNG 图片、WebP 图片、"
        "MP4 视频、MP3 音频、M4A 音频、WAV 音频、AMR 音频、AAC 音频、Ogg 音频、PDF 文档）。",
        "按文件内容判断，“预案.txt”是Windows 可执行程序，此处不接受（可接受：文本文件（.txt）、Word 文档（.docx））。",
        "“预案.txt”的内容不属于此处接受的类型（文本文件（.txt）、Word 文档（.docx））；以文件内容为准，不看文件名。",
        "“空.pdf”是空文件。",
        "按文件内容判断，“台账.xlsx”是MP4 视频，此处不接受（可接受：Excel 工作簿（.xlsx））。",
        "“坏.xlsx”已损坏：不是完整的 ZIP / Office 文件。",
    ]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.YINGJI_UPLOAD_MAX_UNPACKED_BYTES = 4 * 2**20
    bomb = xlsx_with({"xl/worksheets/sheet1.xml": b"<" + b"0" * (40 * 2**20)})
    assert len(bomb) < 100_000  # 40 MB of sheet packed into a few dozen KB
    assert refused(bomb, "ledger", "台账.xlsx") == (
        "“台账.xlsx”解压后为 40.0\u00a0MB，超过允许的 4.0\u00a0MB，已拒收（可能是压缩炸弹）。"
    )


def test_an_xml_entity_bomb_inside_a_workbook_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    assert refused(xlsx_with({"xl/worksheets/sheet1.xml": laughs}), "ledger", "台账.xlsx") == (
        "“台账.xlsx”包含 XML 文档类型声明（Office 文件从不包含），已拒收。"
    )


def test_the_size_limit_of_each_purpose_comes_from_the_settings(settings):
    assert django_settings.YINGJI_UPLOAD_MAX_BYTES["evidence"] == 1024 * 2**20
    assert django_settings.YINGJI_UPLOAD_MAX_BYTES["ledger"] == 20 * 2**20
    settings.YINGJI_UPLOAD_MAX_BYTES = {**settings.YINGJI_UPLOAD_MAX_BYTES, "attachment": 1000}
    assert uploads.check(samples.jpeg(b"x" * 900), "attachment").size == 922
    assert refused(samples.jpeg(b"x" * 2000), "attachment", "大.jpg") == (
        "“大.jpg”大小为 2.0\u00a0KB，此处最多可上传 1000\u00a0字节。"
    )


# --- through the pages and the API: refused with the rest of the form kept, nothing written ----


def _evidence_form(**over):
    data = {
        "camera_id": "DSJ-07",
        "started_at": (T0 + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (T0 + timedelta(hours=8, minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "storage_place": "平安办证据柜2号",
        "file_name": "",
        "sha256": "",
    }
    data.update(over)
    return data


def test_an_exe_renamed_jpg_on_the_evidence_page_is_refused_and_nothing_is_written(demo, settings):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    events = AuditEvent.objects.count()
    response = tf.post(
        f"/incidents/{incident.pk}/evidence/new/",
        _evidence_form(
            wearer=person(demo, "黄磊").pk, file=SimpleUploadedFile("photo.jpg", samples.exe())
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "按文件内容判断，“photo.jpg”是Windows 可执行程序，此处不接受" in page
    assert 'value="DSJ-07"' in page and 'value="平安办证据柜2号"' in page  # the rest is kept
    assert EvidenceItem.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert files_under(settings.MEDIA_ROOT) == []


def test_one_bad_file_among_good_ones_writes_nothing_at_all(demo, settings):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    entries = LogEntry.objects.count()
    response = tf.post(
        f"/incidents/{incident.pk}/log/",
        {
            "text": "现场照片",
            "files": [
                SimpleUploadedFile("a.jpg", samples.jpeg()),
                SimpleUploadedFile("b.jpg", samples.exe()),
            ],
        },
    )
    assert "“b.jpg”是Windows 可执行程序" in response.content.decode()
    assert "现场照片" in response.content.decode()  # the text typed is kept
    assert LogEntry.objects.count() == entries and Attachment.objects.count() == 0
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_file_whose_action_fails_later_is_removed_again(demo, settings, monkeypatch):
    from yingji.incidents import actions_scene

    incident = activated(demo)
    actor = Actor.for_member(member_of(demo, Role.TASK_FORCE_MEMBER))

    def broken(*args, **kwargs):
        raise RuntimeError("the audit write failed")

    monkeypatch.setattr(actions_scene, "record", broken)
    with pytest.raises(RuntimeError):
        actions_scene.add_log_entry(
            actor, incident, "照片", [SimpleUploadedFile("a.png", samples.png())]
        )
    assert Attachment.objects.count() == 0
    assert files_under(settings.MEDIA_ROOT) == []


def test_an_oversize_file_is_refused_on_the_log_page(demo, settings):
    settings.YINGJI_UPLOAD_MAX_BYTES = {**settings.YINGJI_UPLOAD_MAX_BYTES, "attachment": 1000}
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    response = tf.post(
        f"/incidents/{incident.pk}/log/",
        {"text": "录像", "files": SimpleUploadedFile("长.mp4", samples.mp4(b"x" * 5000))},
    )
    assert (
        "“长.mp4”大小为 4.9\u00a0KB，此处最多可上传 1000\u00a0字节。" in response.content.decode()
    )
    assert Attachment.objects.count() == 0 and files_under(settings.MEDIA_ROOT) == []


def test_a_real_file_is_stored_under_a_random_name_and_served_by_its_kind(demo, settings):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    tf.post(
        f"/incidents/{incident.pk}/log/",
        {"text": "现场照片", "files": SimpleUploadedFile("现场.html", samples.png())},
    )
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)
    assert attachment.name == "现场.html"  # the user's name is a label only
    assert stored.suffix == ".png" and len(stored.stem) == 32
    assert stored.is_relative_to(settings.MEDIA_ROOT) and stored.read_bytes() == samples.png()
    response = tf.get(f"/incidents/files/attachment/{attachment.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == samples.png()


def test_the_api_refuses_a_disguised_file_with_a_readable_422(demo, settings):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    response = tf.post(
        f"/api/incidents/{incident.pk}/evidence/upload",
        {
            "camera_id": "DSJ-07",
            "wearer_id": person(demo, "黄磊").pk,
            "started_at": T0.isoformat(),
            "ended_at": (T0 + timedelta(minutes=5)).isoformat(),
            "storage_place": "证据柜",
            "file": SimpleUploadedFile("v.mp4", samples.exe()),
        },
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "file"]
    assert error["msg"].startswith("按文件内容判断，“v.mp4”是Windows 可执行程序")
    assert EvidenceItem.objects.count() == 0 and files_under(settings.MEDIA_ROOT) == []


def test_a_png_renamed_xlsx_is_refused_by_both_importers_and_the_plan_page(demo):
    staff = member_of(demo, Role.PEACE_OFFICE_STAFF)
    client = client_for(staff)
    events = AuditEvent.objects.count()
    ledger = client.post(
        "/warnings/import/", {"file": SimpleUploadedFile("台账.xlsx", samples.png())}
    )
    complaints = client.post(
        "/complaints/import/",
        {"source": "市长信箱", "file": SimpleUploadedFile("留言.xlsx", samples.png())},
    )
    plan = client.post("/plans/import/", {"file": SimpleUploadedFile("预案.docx", samples.png())})
    for response, name in ((ledger, "台账.xlsx"), (complaints, "留言.xlsx"), (plan, "预案.docx")):
        assert response.status_code == 200
        assert f"按文件内容判断，“{name}”是PNG 图片，此处不接受" in response.content.decode()
    assert 'value="市长信箱"' in complaints.content.decode()  # the source typed is kept
    with pytest.raises(ValidationError):  # the action refuses too (CLI, API)
        start_import(Actor.for_member(staff), demo, filename="台账.xlsx", content=samples.png())
    assert (LedgerImport.objects.count(), ImportJob.objects.count()) == (0, 0)
    assert PlanDraft.objects.count() == 0 and AuditEvent.objects.count() == events


def test_api_imports_refuse_an_oversize_workbook_before_reading_it(demo, settings):
    settings.YINGJI_UPLOAD_MAX_BYTES = {**settings.YINGJI_UPLOAD_MAX_BYTES, "ledger": 2000}
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    big = samples.xlsx([["编号", "内容"]] + [[i, "内容" * 50] for i in range(200)])
    response = client.post("/api/warnings/import", {"file": SimpleUploadedFile("台账.xlsx", big)})
    assert response.status_code == 422
    assert response.json() == {
        "detail": {"file": ["“台账.xlsx”大小为 7.7\u00a0KB，此处最多可上传 2.0\u00a0KB。"]}
    }
    assert LedgerImport.objects.count() == 0


# --- stored outside the web root, served only through the permission check ------------------


def test_uploads_live_under_var_and_no_url_serves_them(demo, settings):
    from django.contrib.staticfiles import finders

    media = Path(project_settings.MEDIA_ROOT)  # as configured, not this test's temporary one
    assert media == Path(django_settings.VAR_DIR) / "media"
    # Whitenoise serves the static finders' folders (and STATIC_ROOT / WHITENOISE_ROOT if set).
    static_dirs = [
        Path(storage.location)
        for finder in finders.get_finders()
        for storage in getattr(finder, "storages", {}).values()
    ]
    for name in ("STATIC_ROOT", "WHITENOISE_ROOT"):
        if getattr(django_settings, name, None):
            static_dirs.append(Path(getattr(django_settings, name)))
    assert Path(django_settings.BASE_DIR) / "yingji" / "static" in static_dirs
    assert all(not media.is_relative_to(d) and not d.is_relative_to(media) for d in static_dirs)

    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    tf.post(
        f"/incidents/{incident.pk}/log/",
        {"text": "照片", "files": SimpleUploadedFile("a.png", samples.png())},
    )
    name = Attachment.objects.get().file.name  # e.g. incidents/2026/11/<random>.png
    for url in (f"/files/{name}", f"/static/{name}", f"/media/{name}", f"/static/../media/{name}"):
        assert tf.get(url).status_code == 404, url


def test_a_file_is_404_to_another_township_and_the_login_page_to_nobody(demo, other):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    tf.post(
        f"/incidents/{incident.pk}/log/",
        {"text": "照片", "files": SimpleUploadedFile("a.png", samples.png())},
    )
    tf.post(
        f"/incidents/{incident.pk}/evidence/new/",
        _evidence_form(
            wearer=person(demo, "黄磊").pk, file=SimpleUploadedFile("v.mp4", samples.mp4())
        ),
    )
    urls = [
        f"/incidents/files/attachment/{Attachment.objects.get().pk}/",
        f"/incidents/files/evidence/{EvidenceItem.objects.get().pk}/",
    ]
    outsider = client_for(member_of(other, Role.PEACE_OFFICE_HEAD))
    for url in urls:
        assert tf.get(url).status_code == 200, url
        assert outsider.get(url).status_code == 404, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"] == f"/login/?next={url}"
