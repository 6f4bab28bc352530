from flask import Blueprint

from cal.core.access import Role, roles_required
from cal.core.render import render_page

bp = Blueprint("seniors", __name__, url_prefix="/seniors")


@bp.get("/")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.LEADER)
def index():
    return render_page("seniors/index.html")
