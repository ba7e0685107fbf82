"""Visit attachments through /api/v1: multipart upload with consent, byte-identical download, audited like the page,
and nothing of another point's household."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.socialwork import services
from volunteer_app.socialwork.models import Attachment
from volunteer_app.socialwork.services.uploads import upload_dir

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + b"1 0 obj\n<<>>\nendobj\n" * 20
MISSING = 987_654


@pytest.fixture
def visit_of(people, open_file):
    def make(community: str = "新兴", worker: str = "worker", consent: bool = True):
        household = open_file(community, actor=people[worker])
        if consent:
            services.record_consent(people[worker], household.id, purpose="attachments", method="signed_paper",
                                    member_id=household.members[0].id)  # fmt: skip
        visit = services.log_visit(people[worker], household.id, visited_at=utcnow() - timedelta(hours=1),
                                   contact_type="home")  # fmt: skip
        return household, visit

    return make


def upload(client, headers, household_id, visit_id, *files):
    return client.post(
        f"/api/v1/households/{household_id}/visits/{visit_id}/attachments",
        data={"files": [(BytesIO(data), name) for name, data in files]},
        content_type="multipart/form-data",
        headers=headers,
    )


def stored_files() -> set[str]:
    return {path.name for path in upload_dir().iterdir()}


def test_a_worker_uploads_with_consent_and_downloads_the_same_bytes(client, people, visit_of, token_for):
    household, visit = visit_of()
    headers = token_for(people["worker"])
    response = upload(client, headers, household.id, visit.id, ("门口.png", PNG), ("低保证明.pdf", PDF))
    assert response.status_code == 201, response.get_json()
    listed = response.get_json()
    assert [(a["filename"], a["content_type"], a["size"]) for a in listed] == [
        ("门口.png", "image/png", len(PNG)),
        ("低保证明.pdf", "application/pdf", len(PDF)),
    ]
    assert all(set(a) == {"id", "filename", "content_type", "size", "uploaded_at"} for a in listed)
    stored_names = set(db.session.scalars(sa.select(Attachment.stored_name)))
    assert not any(name in response.get_data(as_text=True) for name in stored_names)  # never the storage path

    image = client.get(f"/api/v1/households/{household.id}/attachments/{listed[0]['id']}", headers=headers)
    assert image.status_code == 200 and image.data == PNG and image.mimetype == "image/png"
    assert image.headers["Cache-Control"] == "no-store, private"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    scan = client.get(f"/api/v1/households/{household.id}/attachments/{listed[1]['id']}", headers=headers)
    assert scan.data == PDF and scan.headers["Content-Disposition"].startswith("attachment")

    more = upload(client, headers, household.id, visit.id, ("second.png", PNG))
    assert [a["filename"] for a in more.get_json()] == ["门口.png", "低保证明.pdf", "second.png"]
    detail = client.get(f"/api/v1/households/{household.id}/visits/{visit.id}", headers=headers).get_json()
    assert [a["id"] for a in detail["attachments"]] == [a["id"] for a in more.get_json()]


def test_the_download_is_audited_like_the_page_download(client, people, visit_of, token_for, login):
    household, visit = visit_of()
    headers = token_for(people["colleague"])
    uploaded = upload(client, token_for(people["worker"]), household.id, visit.id, ("p.png", PNG))
    attachment_id = uploaded.get_json()[0]["id"]

    def downloads() -> list[AuditEntry]:
        return db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.object_type == "household",
                AuditEntry.object_id == str(household.id),
                AuditEntry.actor_name == "chenjie",
                AuditEntry.action == "view",
            )
        ).all()

    assert client.get(f"/api/v1/households/{household.id}/attachments/{attachment_id}", headers=headers).data == PNG
    [api_entry] = downloads()
    assert api_entry.detail == {"attachment": attachment_id}
    login(people["colleague"])
    assert client.get(f"/social-work/households/{household.id}/attachments/{attachment_id}").data == PNG
    page_entry = downloads()[-1]
    assert (page_entry.action, page_entry.detail) == (api_entry.action, api_entry.detail)


def test_without_consent_nothing_is_stored(client, people, visit_of, token_for):
    household, visit = visit_of(consent=False)
    before = stored_files()
    response = upload(client, token_for(people["worker"]), household.id, visit.id, ("p.png", PNG))
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"files"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert stored_files() == before


def test_no_file_a_wrong_type_or_a_file_too_big_is_refused(client, app, people, visit_of, token_for):
    household, visit = visit_of()
    headers = token_for(people["worker"])
    before = stored_files()
    too_big = PNG + b"\0" * app.config["SOCIALWORK_UPLOAD_MAX_BYTES"]
    for files in ([], [("page.html", b"<script>alert(1)</script>")], [("big.png", too_big)],
                  [("good.png", PNG), ("evil.png", b"MZ\x90\x00")]):  # fmt: skip
        response = upload(client, headers, household.id, visit.id, *files)
        assert response.status_code == 422, files
        assert set(response.get_json()["errors"]) == {"files"}
    wrong_field = client.post(f"/api/v1/households/{household.id}/visits/{visit.id}/attachments", headers=headers,
                              data={"photo": (BytesIO(PNG), "p.png")}, content_type="multipart/form-data")  # fmt: skip
    assert wrong_field.status_code == 422 and set(wrong_field.get_json()["errors"]) == {"files"}  # not a file
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert stored_files() == before


def test_another_points_worker_gets_404_on_both_like_a_missing_id(client, people, visit_of, token_for):
    household, visit = visit_of("金溪", worker="other_worker")
    attachment_id = upload(client, token_for(people["other_worker"]), household.id, visit.id, ("p.png", PNG)
                           ).get_json()[0]["id"]  # fmt: skip
    headers = token_for(people["worker"])
    for household_id, visit_id, file_id in ((household.id, visit.id, attachment_id), (MISSING, MISSING, MISSING)):
        posted = upload(client, headers, household_id, visit_id, ("p.png", PNG))
        fetched = client.get(f"/api/v1/households/{household_id}/attachments/{file_id}", headers=headers)
        assert (posted.status_code, fetched.status_code) == (404, 404)
        assert posted.get_json()["error"]["code"] == fetched.get_json()["error"]["code"] == "not_found"
    mine, _my_visit = visit_of()
    wrong_visit = upload(client, headers, mine.id, visit.id, ("p.png", PNG))  # their visit under my household
    wrong_file = client.get(f"/api/v1/households/{mine.id}/attachments/{attachment_id}", headers=headers)
    assert (wrong_visit.status_code, wrong_file.status_code) == (404, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    seen = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.actor_id == people["worker"].id, AuditEntry.object_type == "household",
        AuditEntry.object_id == str(household.id),
    )).all()  # fmt: skip
    assert seen == []


def test_only_social_workers_and_supervisors_reach_the_endpoints(client, people, visit_of, token_for):
    household, visit = visit_of()
    attachment_id = upload(client, token_for(people["worker"]), household.id, visit.id, ("p.png", PNG)
                           ).get_json()[0]["id"]  # fmt: skip
    download = f"/api/v1/households/{household.id}/attachments/{attachment_id}"
    assert upload(client, {}, household.id, visit.id, ("p.png", PNG)).status_code == 401
    assert client.get(download).status_code == 401
    for who in ("volunteer", "league", "admin"):
        headers = token_for(people[who])
        assert upload(client, headers, household.id, visit.id, ("p.png", PNG)).status_code == 403
        assert client.get(download, headers=headers).status_code == 403
    assert client.get(download, headers=token_for(people["supervisor"])).data == PNG
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1


def test_the_openapi_document_describes_the_multipart_upload_and_the_download(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    body = paths["/api/v1/households/{household_id}/visits/{visit_id}/attachments"]["post"]["requestBody"]
    ref = body["content"]["multipart/form-data"]["schema"]["$ref"]
    files = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["files"]
    assert files["type"] == "array" and files["items"] == {"type": "string", "format": "binary"}
    download = paths["/api/v1/households/{household_id}/attachments/{attachment_id}"]["get"]["responses"]["200"]
    assert download["content"]["application/octet-stream"]["schema"]["format"] == "binary"


def test_a_file_keeps_the_extension_of_its_checked_type_not_the_uploaders(client, people, visit_of, token_for):
    household, visit = visit_of()
    headers = token_for(people["worker"])
    listed = upload(client, headers, household.id, visit.id, ("扫描件.exe", PDF), ("照片.PDF", PNG)).get_json()
    assert [(a["filename"], a["content_type"]) for a in listed] == [
        ("扫描件.pdf", "application/pdf"),
        ("照片.png", "image/png"),
    ]
    scan = client.get(f"/api/v1/households/{household.id}/attachments/{listed[0]['id']}", headers=headers)
    assert ".pdf" in scan.headers["Content-Disposition"] and ".exe" not in scan.headers["Content-Disposition"]
    stored = db.session.scalars(sa.select(Attachment.stored_name).where(Attachment.id.in_([a["id"] for a in listed])))
    assert sorted(Path(name).suffix for name in stored) == [".pdf", ".png"]
