"""Runs after the other integration and browser tests (the name sorts last): across everything
the suite did, the canary child's details appear in no email, log line, address or cookie."""
import base64
import zlib

from tests.canary import CANARY_STRINGS, child_details_in, child_details_in_outbox
from tests.conftest import SEEN


def _readable_cookie(header: str) -> str:
    """A Flask session cookie's payload, decoded, so a name inside it would be found."""
    value = header.split(";", 1)[0].split("=", 1)[1]
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return (zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - not a session cookie: check it as it is
        return value


def test_the_suite_filed_forms_for_the_canary_child(app):
    """Otherwise the checks below would prove nothing."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import unscoped

    with app.app_context(), unscoped():
        names = set(db.session.scalars(select(Submission.child_last_name)))
    assert "Canarywhistle" in names


def test_no_email_carries_a_childs_details(app):
    with app.app_context():
        assert child_details_in_outbox() == []


def test_no_log_line_carries_a_childs_details():
    assert SEEN["logs"], "no log line was recorded"
    leaks = [line for line in SEEN["logs"] if child_details_in(line)]
    assert leaks == []


def test_no_address_carries_a_childs_details():
    assert len(SEEN["urls"]) > 100
    assert [url for url in SEEN["urls"] if child_details_in(url)] == []


def test_no_cookie_carries_a_childs_details():
    assert SEEN["cookies"]
    assert [c for c in SEEN["cookies"] if child_details_in(_readable_cookie(c))] == []


def test_the_canary_would_sing():
    assert child_details_in("Dear Zebediah Canarywhistle") == ["Zebediah", "Canarywhistle"]
    assert set(CANARY_STRINGS) >= {"Zebediah", "M1 1AE"}
