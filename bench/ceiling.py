"""The ceilings of our stack, served by the same gunicorn as the application, on the
same database (bench/load.py):

- `/ceiling`: a bare Flask endpoint doing one primary-key query (the floor of any
  request: routing, one query, a response);
- `/ceiling/page`: the least a signed-in page of ours can do, as DESIGN.md measures it:
  Flask-Login loads the user from the signed session cookie, a Jinja template with a
  CSRF token is rendered, and four queries in all are made. Nothing of the application
  (its hooks, layout, menus, translations) is in it: what a page costs above this is ours.
- `/ceiling/list`: the least a signed-in list of 50 rows can do: the page ceiling's user
  and CSRF token, one query reading 50 volunteers' plain columns, and a table of them
  with a link each. A list page of ours that shows 50 rows does all this and more, so
  its throughput cannot pass this one's.
"""

from __future__ import annotations

import os

from flask import Flask, abort, redirect, render_template, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader
from sqlalchemy import create_engine, text

from cal.auth.passwords import verify_password
from cal.config import normalise_database_url

app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ["SECRET_KEY"], SESSION_COOKIE_SECURE=False)
app.jinja_loader = DictLoader({
    "login.html": '<meta name="csrf-token" content="{{ csrf_token() }}">',
    "page.html": """<!doctype html><html lang="pl"><head><meta charset="utf-8">
<meta name="csrf-token" content="{{ csrf_token() }}"><title>{{ title }}</title></head>
<body><header>{{ user.email }}</header><main><h1>{{ title }}</h1><ul>
{% for row in rows %}<li>{{ row }}</li>{% endfor %}</ul></main></body></html>""",
    "list.html": """<!doctype html><html lang="pl"><head><meta charset="utf-8">
<meta name="csrf-token" content="{{ csrf_token() }}"><title>Lista</title></head>
<body><header>{{ user.email }}</header><main><h1>Lista</h1><table><tbody>
{% for id, first, last, status, email, phone in rows %}<tr>
<td><a href="{{ url_for('row', ident=id) }}">{{ last }} {{ first }}</a></td>
<td>{{ status }}</td><td>{{ email }}</td><td>{{ phone }}</td></tr>
{% endfor %}</tbody></table></main></body></html>""",
})
engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]),
                       pool_pre_ping=True)
CSRFProtect(app)
login_manager = LoginManager(app)


class User(UserMixin):
    def __init__(self, ident: int, email: str):
        self.id, self.email = ident, email


def _one(sql: str, **values):
    with engine.connect() as connection:
        return connection.execute(text(sql), values).first()


@login_manager.user_loader
def load_user(user_id: str):
    row = _one("SELECT id, email FROM users WHERE id = :id", id=int(user_id))
    return User(*row) if row else None


@app.get("/ceiling")
def ceiling():
    return _one("SELECT email FROM users WHERE id = :id", id=1)[0]


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    row = _one("SELECT id, email, password_hash FROM users WHERE email = :email",
               email=request.form["email"])
    if row is None or not verify_password(row[2], request.form["password"]):
        abort(403)
    login_user(User(row[0], row[1]))
    return redirect("/ceiling/page")


@app.get("/ceiling/page")
@login_required
def page():
    rows = [_one("SELECT full_name FROM users WHERE id = :id", id=n)[0] for n in (1, 2, 3)]
    return render_template("page.html", title="Ceiling", rows=rows, user=current_user)


@app.get("/ceiling/list")
@login_required
def listing():
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, first_name, last_name, status, email, phone FROM volunteers "
            "ORDER BY last_name, first_name, id LIMIT 50")).all()
    return render_template("list.html", rows=rows, user=current_user)


@app.get("/ceiling/row/<int:ident>")
@login_required
def row(ident: int):  # only the target of the list's links
    return str(ident)
