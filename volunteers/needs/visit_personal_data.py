"""What the agreed visit times hold about a data subject (cal/core/rooms.py, RODO): the
weekly times of the matches of a person, or of a volunteer, in their export. They hold
no free text, and go with their match."""

from __future__ import annotations

from cal.core.rooms import PersonalData
from cal.people import rodo
from volunteers.needs.visit_models import VisitTime


def related(subject) -> list[tuple[str, list[dict]]]:
    """The times of the subject's matches (found before this part: the needs room's part
    reaches a person's, the schema a volunteer's)."""
    times = VisitTime.__table__
    return [("match_visit_times", rodo.rows(times, times.c.match_id,
                                            subject.ids.get("matches", [])))]


PART = PersonalData("visit_times", related=related)
