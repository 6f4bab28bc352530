"""How the audit log names the KIS report: the year's report marked as sent, and the
report printed or exported, linked to the year's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.rooms import RecordKind, describer
from cal.projects.kis_report.models import KisReportSent

RECORDS = [
    RecordKind("kis_report", _l("KIS annual report"), describer(
        KisReportSent, lambda sent: str(_l("for %(year)d, sent on %(day)s", year=sent.year,
                                           day=sent.sent_on.strftime("%d.%m.%Y"))),
        "kis_report.report", "year", lambda sent: sent.year)),
]
