"""Sending returns through the public pages, as a school office would."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import SchoolReturn, Submission
from tests.forms_driver import csrf_of

TOKEN = re.compile(r'name="return_token" type="hidden" value="([^"]+)"')
SCHOOLS = {"stockport": "3562000", "southwark": "2102003", "liverpool": "3412008",
           "staffordshire": "8602123", "rhondda-cynon-taf": "6744813"}
SCHOOL_EXTRA = {"new-pupil-return": {"junior_year_group": "R"},
                "deletion-return": {"senior_year_group": "11"}}


def counts(app) -> tuple[int, int]:
    from portal.tenancy import unscoped

    with app.app_context(), unscoped():
        return (db.session.scalar(select(func.count()).select_from(SchoolReturn)),
                db.session.scalar(select(func.count()).select_from(Submission)))


class Sender:
    def __init__(self, client, slug: str, form: str):
        self.client, self.slug, self.form = client, slug, form
        self.base = f"/{slug}/returns/{form}"

    def template_headings(self) -> list[str]:
        response = self.client.get(f"{self.base}/template.csv")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        return response.get_data().decode("utf-8-sig").strip().split(",")

    def school(self) -> dict:
        return {"school_laestab": SCHOOLS[self.slug], "sender_name": "Office Invented",
                "sender_email": "office@school.example", **SCHOOL_EXTRA.get(self.form, {})}

    def upload(self, content: bytes, *, kind: str = "csv", name: str = "return.csv",
               token: str | None = None, **fields):
        page = self.client.get(f"{self.base}/upload").get_data(as_text=True)
        data = {"csrf_token": csrf_of(page), "return_token": token or TOKEN.search(page)[1],
                **self.school(), "file_kind": kind, "ctf_at_risk": "no", **fields,
                "file": (io.BytesIO(content), name)}
        return self.client.post(f"{self.base}/upload", data=data,
                                content_type="multipart/form-data")


@pytest.fixture
def sender(client):
    return lambda slug, form: Sender(client, slug, form)
