"""The DfE's coded lists as data, the reason mapping, and the SVG charts."""
from __future__ import annotations

import html5lib
import pytest

from portal.reports import reasons
from portal.reports.charts import bar_chart


def test_the_dfe_lists_are_complete_with_welsh_labels():
    cme, ehe, bands = reasons.cme_reasons(), reasons.ehe_reasons(), reasons.duration_bands()
    assert [r.code for r in cme] == [f"CME{n:02d}" for n in range(1, 21)]
    assert [r.code for r in ehe] == [f"EHE{n:02d}" for n in range(1, 20)]
    assert cme[0].en == "Moved in from another local authority"
    assert cme[18].en == "Not recorded" and ehe[18].en == "Unknown"
    for item in (*cme, *ehe, *bands):
        assert item.en and item.cy and item.cy != "", item
    assert reasons.reason("cme07").label("cy") == "Addysg ddewisol gartref anaddas"
    assert reasons.reason("CME07").label("en") == "Unsuitable elective home education"


@pytest.mark.parametrize("days, band", [
    (0, "under_2_weeks"), (13, "under_2_weeks"), (14, "2_to_4_weeks"), (27, "2_to_4_weeks"),
    (28, "4_to_8_weeks"), (56, "8_to_12_weeks"), (84, "12_to_26_weeks"),
    (181, "12_to_26_weeks"), (182, "26_to_52_weeks"), (363, "26_to_52_weeks"),
    (364, "over_52_weeks"), (5000, "over_52_weeks"), (None, "unknown"), (-1, "unknown")])
def test_the_duration_bands_include_their_lower_end(days, band):
    assert reasons.band_for(days).code == band


def test_a_recorded_code_wins_then_the_outcome_then_the_forms():
    forms = [("cross-border-notice", {"direction": "moved_into_your_area"})]
    assert reasons.cme_code_for("cme11", outcome="located_other_la", forms=forms) == "CME11"
    assert reasons.cme_code_for(None, outcome="located_other_la", forms=forms) == "CME16"
    assert reasons.cme_code_for("NOPE", outcome=None, forms=forms) == "CME01"
    assert reasons.cme_code_for(None, previous_outcome="ehe") == "CME07"
    assert reasons.cme_code_for(None, forms=[("arrival-in-area", {"previous_council": ""})]) \
        == "CME19"
    assert reasons.cme_code_for("EHE01") == "CME19"  # an EHE code is not a CME reason
    assert reasons.ehe_code_for("EHE04") == "EHE04"
    assert reasons.ehe_code_for("CME04") == "EHE19"


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
