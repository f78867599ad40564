"""The DfE return's PDF for sign-off (WeasyPrint) and the list of children behind a number."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import select
from weasyprint import HTML

from portal.extensions import db
from portal.models.casework import Case
from portal.tenant_config import Tenant

CHUNK = 900


def cases_by_ids(ids: list[int]) -> list[Case]:
    found: list[Case] = []
    for index in range(0, len(ids), CHUNK):
        found += db.session.scalars(select(Case).where(Case.id.in_(ids[index:index + CHUNK])))
    return sorted(found, key=lambda c: c.id)


def dfe_return_pdf_bytes(result, record, *, tenant: Tenant, generated: datetime,
                         language: str) -> bytes:
    html = render_template("pdf/dfe_return.html", result=result, record=record,
                           cells=result.cells(language), tenant=tenant, generated=generated,
                           htmlLang=language)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()
