"""The portal's cached format_date says exactly what flask_babel's says."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

PATTERNS = ("d MMM yyyy", "d MMMM yyyy", "EEEE d MMMM yyyy", "yyyy-MM-dd")


@settings(max_examples=150, deadline=None)
@given(moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                           timezones=st.just(timezone.utc)),
       pattern=st.sampled_from(PATTERNS), language=st.sampled_from(("en", "cy")),
       as_day=st.booleans())
def test_the_same_text_as_flask_babel(app, moment, pattern, language, as_day):
    from flask_babel import force_locale
    from flask_babel import format_date as babel_format_date

    from portal.i18n import format_date

    value = moment.date() if as_day else moment
    with app.test_request_context("/"), force_locale(language):
        assert format_date(value, format=pattern) == babel_format_date(value, format=pattern)
        assert format_date(value, format="long") == babel_format_date(value, format="long")


def test_a_time_late_in_the_evening_in_summer_is_the_next_day_in_london(app):
    from portal.i18n import format_date

    late = datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)  # 00:30 on 2 July in London
    with app.test_request_context("/"):
        assert format_date(late, format="d MMM yyyy") == "2 Jul 2026"
        assert format_date(late.date() + timedelta(days=0), format="d MMM yyyy") == "1 Jul 2026"
        assert format_date(date(2026, 3, 1), format="d MMMM yyyy") == "1 March 2026"
