"""The KIS report as a file (cal/core/exports.py): one line per figure, in the report's
order, with its part, what it counts and the number, so a spreadsheet sums and pivots
it. Only counts of people: no one is named but the staff who led the groups."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.projects.models import FUNDER_LABELS
from clubs.models import END_EFFECT_LABELS, GROUP_KIND_LABELS, TARGET_GROUP_LABELS, EndEffect

PARTS = {1: _l("1. Staff"), 2: _l("2. Participants by target group"),
         3: _l("3. Reintegration activities and their effects"),
         4: _l("4. Settlement of grants")}
NOT_GIVEN = _l("Target group not given")
NO_TOPIC = _l("(no topic given)")


@dataclass(frozen=True)
class Line:
    part: int
    item: str
    measure: str
    number: float | int


def lines(report) -> list[Line]:
    return [*_staff(report), *_participants(report), *_activities(report), *_grants(report)]


def _staff(report):
    for line in report.staff:
        basis = _l("volunteer") if line.volunteer else _l("staff of the centre")
        yield Line(1, f"{line.name} ({basis})", str(_l("Groups led")), line.groups)
        yield Line(1, f"{line.name} ({basis})", str(_l("Sessions held")), line.sessions)
        yield Line(1, f"{line.name} ({basis})", str(_l("Hours of sessions")), line.hours)


def _participants(report):
    total = report.total
    for line in [*report.groups, total]:
        item = str(_l("Total") if line is total else TARGET_GROUP_LABELS[line.target]
                   if line.target else NOT_GIVEN)
        yield Line(2, item, str(_l("Participants in the year")), line.participants)
        yield Line(2, item, str(_l("Reintegration reached")), line.reintegrated)
        for effect in EndEffect:
            yield Line(2, item, str(END_EFFECT_LABELS[effect]), line.effects.get(effect, 0))


def _activities(report):
    for line in report.activities:
        item = f"{GROUP_KIND_LABELS[line.kind]}: {line.topic or NO_TOPIC}"
        yield Line(3, item, str(_l("Sessions held")), line.sessions)
        yield Line(3, item, str(_l("Attendances")), line.present)


def _grants(report):
    for line in report.grants:
        item = f"{line.name} ({FUNDER_LABELS[line.funder]}, {line.agreement_number or '—'})"
        yield Line(4, item, str(_l("Value of the project (PLN)")), line.value_gr / 100)
        yield Line(4, item, str(_l("Spent in the year (PLN)")), line.spent_gr / 100)


KIS_REPORT = Table("kis_report", _l("KIS annual report"), "sprawozdanie-kis", columns=(
    Column(_l("Part"), lambda line: str(PARTS[line.part])),
    Column(_l("Item"), lambda line: line.item),
    Column(_l("What"), lambda line: line.measure),
    Column(_l("Number"), lambda line: line.number),
))
