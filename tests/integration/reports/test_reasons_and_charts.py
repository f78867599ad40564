"""The DfE's coded lists as data, the reason mapping, and the SVG charts."""
from __future__ import annotations

import html5lib
import pytest

from portal.reports import reasons
from portal.reports.charts import bar_chart


def test_the_dfe_lists_are_complete_with_welsh_labels():
    cme, ehe, bands = reasons.cme_reasons(), reasons.ehe_reasons(), reasons.duration_bands()
    assert len(cme) == 20 and len(ehe) == 19
    assert all(r.code.startswith("cme_") for r in cme)
    assert all(r.code.startswith("ehe_") for r in ehe)
    assert cme[0].en == "Moved in from another local authority"
    assert cme[18].en == "Not recorded" and ehe[18].en == "Unknown"
    for item in (*cme, *ehe, *bands):
        assert item.en and item.cy and item.cy != "", item
    assert reasons.reason("CME_UNSUITABLE_EHE").label("cy") == "Addysg ddewisol gartref anaddas"
    assert reasons.reason("cme_unsuitable_ehe").label("en") == "Unsuitable elective home education"


@pytest.mark.parametrize("days, band", [
    (0, "under_2_weeks"), (13, "under_2_weeks"), (14, "2_to_4_weeks"), (27, "2_to_4_weeks"),
    (28, "4_to_8_weeks"), (56, "8_to_12_weeks"), (84, "12_to_26_weeks"),
    (181, "12_to_26_weeks"), (182, "26_to_52_weeks"), (363, "26_to_52_weeks"),
    (364, "over_52_weeks"), (5000, "over_52_weeks"), (None, "unknown"), (-1, "unknown")])
def test_the_duration_bands_include_their_lower_end(days, band):
    assert reasons.band_for(days).code == band


def test_the_lists_are_the_dfes_labels_in_shared_data():
    """Every label of the 2025/26 lists is the DfE's, as the project's reference data
    (shared/data/ehe_cme_reasons.md, tables A1 and A3 and list B2) gives it, in its order."""
    cme = [r.en for r in reasons.cme_reasons("2025-26")]
    assert cme[:3] == ["Moved in from another local authority", "Moved in from another country",
                       "School application awaiting outcome"]
    assert cme[15:] == ["Believed to have moved to another local authority",
                        "Believed to have moved to another country", "Unknown", "Not recorded",
                        "Other"]
    ehe = [r.en for r in reasons.ehe_reasons("2025-26")]
    assert "Offered school place but not yet accepted" in ehe
    assert "Did not apply for school place at compulsory school age" in ehe
    assert len(reasons.ehe_reasons("2024-25")) == 17
    assert reasons.reason("cme_believed_moved_country").en == \
        "Believed to have moved to another country"
    older = {r.code: r.en for r in reasons.cme_reasons("2024-25")}
    assert older["cme_believed_moved_country"] == "Believed to have moved out of the country"
    assert [b.en for b in reasons.duration_bands()] == [
        "Less than 2 weeks", "2 to 4 weeks", "4 to 8 weeks", "8 to 12 weeks", "12 to 26 weeks",
        "26 to 52 weeks", "Over 52 weeks", "Unknown"]


def test_the_census_date_chooses_the_version():
    from datetime import date

    assert reasons.version_for(date(2024, 10, 3)).key == "2024-25"
    assert reasons.version_for(date(2026, 5, 21)).key == "2025-26"
    assert reasons.version_for(date(2027, 1, 21)).key == "2026-27"
    assert reasons.version_for(date(2027, 1, 21)).lists == "2025-26"
    with pytest.raises(reasons.UnknownCensusDate):
        reasons.version_for(date(2026, 1, 16))


def test_a_recorded_code_wins_then_the_outcome_then_the_forms():
    forms = [("cross-border-notice", {"direction": "moved_into_your_area"})]
    assert reasons.cme_code_for("cme_mental_health", outcome="located_other_la", forms=forms) == "cme_mental_health"
    assert reasons.cme_code_for(None, outcome="located_other_la", forms=forms) == "cme_believed_moved_la"
    assert reasons.cme_code_for("NOPE", outcome=None, forms=forms) == "cme_moved_in_other_la"
    assert reasons.cme_code_for(None, previous_outcome="ehe") == "cme_unsuitable_ehe"
    assert reasons.cme_code_for(None, forms=[("arrival-in-area", {"previous_council": ""})]) \
        == "cme_not_recorded"
    assert reasons.cme_code_for("ehe_mental_health") == "cme_not_recorded"  # an EHE code is not a CME reason
    assert reasons.ehe_code_for("ehe_dissatisfaction_general") == "ehe_dissatisfaction_general"
    assert reasons.ehe_code_for("cme_offered_not_accepted") == "ehe_unknown"


def test_a_chart_is_an_accessible_svg_without_style_attributes():
    svg = str(bar_chart(chart_id="c1", title="Reasons <&>", description="Bar chart.",
                        rows=[("Moved <away>", 3), ("Other", 0)], empty_text="None."))
    html5lib.HTMLParser(strict=True).parse(f"<!DOCTYPE html><html><head><title>x</title>"
                                          f"</head><body>{svg}</body></html>")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "<title id=\"c1-title\">Reasons &lt;&amp;&gt;</title>" in svg
    assert "Bar chart. Moved &lt;away&gt;: 3; Other: 0." in svg
    assert "style=" not in svg
    assert 'fill="#1d70b8"' in svg  # GOV.UK blue
    assert svg.count("<rect") == 2  # the background and one bar: a zero draws none
    empty = str(bar_chart(chart_id="c2", title="T", description="D.", rows=[],
                          empty_text="None in this period."))
    assert "None in this period." in empty
