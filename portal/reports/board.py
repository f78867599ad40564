"""The report for a safeguarding board: a period's figures with their charts, as a PDF made
by WeasyPrint (the same SVG charts as the dashboard, each with its table of numbers)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from weasyprint import HTML

from portal.reports.figures import PeriodFigures
from portal.tenant_config import Tenant


def board_html(figures: PeriodFigures, charts: dict, *, tenant: Tenant, generated: datetime,
               language: str) -> str:
    return render_template("pdf/board_report.html", figures=figures, charts=charts,
                           tenant=tenant, generated=generated, htmlLang=language)


def board_pdf(figures: PeriodFigures, charts: dict, *, tenant: Tenant, generated: datetime,
              language: str) -> bytes:
    html = board_html(figures, charts, tenant=tenant, generated=generated, language=language)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()


def charts_for(figures: PeriodFigures, prefix: str = "chart") -> dict:
    """The period's charts, by name: each an SVG with the rows it shows (for its table)."""
    from flask_babel import gettext as _

    from portal.reports.charts import bar_chart

    def chart(name: str, title: str, description: str, counts) -> dict:
        rows = [(count.label, count.value) for count in counts]
        return {"title": title, "rows": rows, "svg": bar_chart(
            chart_id=f"{prefix}-{name}", title=title, description=description, rows=rows,
            empty_text=_("None in this period."))}

    return {
        "reasons": chart("reasons", _("Primary reason of the children missing education at "
                                      "the end of the period"),
                         _("Bar chart of the children missing education by primary reason."),
                         figures.reasons),
        "durations": chart("durations", _("How long the children had been missing at the end "
                                          "of the period"),
                           _("Bar chart of the children missing education by how long they "
                             "had been missing."), figures.durations),
        "established": chart("established", _("Whereabouts or education established in the "
                                              "period, by outcome"),
                             _("Bar chart of the children found in the period by outcome."),
                             figures.established_by_outcome),
        "sources": chart("sources", _("Notifications received in the period, by who sent them"),
                         _("Bar chart of the notifications received by sender."),
                         figures.by_source),
    }
