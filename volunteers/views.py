from flask import Blueprint, request

from cal.core.access import Role, roles_required
from cal.core.render import render_page
from volunteers import services
from volunteers.models import STATUS_LABELS, VolunteerStatus

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")


@bp.get("/")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def index():
    status = request.args.get("status", "")
    status = VolunteerStatus(status) if status in {s.value for s in VolunteerStatus} else None
    return render_page(
        "volunteers/index.html",
        volunteers=services.list_volunteers(status),
        counts=services.count_by_status(),
        status=status,
        labels=STATUS_LABELS,
    )
