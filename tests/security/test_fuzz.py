"""Bad input never breaks a page: every form a demo user can reach (found by following
links, as in test_crawl) is sent the known troublemakers (EDGES) and FUZZ_EXAMPLES generated
inputs (see EXAMPLES) as that user: wrong types, huge strings, unicode, missing fields,
negative and huge numbers, bad dates. No answer may be a server error, a refused form
(400, 422) stores nothing, and a form refused with 422 says why on the page it answers with."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from cal.auth.models import User
from cal.commands.demo import seed_demo
from cal.core.access import Role, policy_of
from cal.extensions import db
from tests.conftest import client_of, row_count, shared_app
from tests.security.walk import walk

# In `make test`: 40 generated inputs a form on SQLite and 20 on PostgreSQL (each post's
# row count costs more there), and a fifth of that a page, after the EDGES: about three
# minutes a database on a 2-core machine whose page ceiling is 580 requests/s, which keeps
# the suite near 15 minutes. The 500 to every form and page take 47 minutes on
# SQLite there: `make fuzz`.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES")
               or (20 if os.environ.get("TEST_DATABASE_URL") else 40))
# Pages (GET, as pages and as htmx fragments) are more than the forms and read nothing in
# most of their query; a fifth of the forms' count in `make test`, as many in `make fuzz`.
PAGE_EXAMPLES = int(os.environ.get("FUZZ_PAGE_EXAMPLES") or max(EXAMPLES // 5, 4))
ACCOUNTS = ["koordynator@cal.local", "lider@cal.local", "wolontariusz@cal.local",
            "projekty@cal.local", "admin@cal.local", ANONYMOUS := "anonymous"]
# Where a visitor's walk starts: the public pages (the start page sends them to log in).
PUBLIC_STARTS = ["/login", "/volunteers/apply", "/password/forgot"]
# Forms that end the session the fuzzing runs in, or need a file.
SKIPPED = {"/logout"}


class Forms(HTMLParser):
    """The forms of a page: (method, action, the names of their fields)."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.found, self._open = page, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "form" and self._open is None and ("hx-post" in attrs or "hx-get" in attrs):
            # An htmx element outside a form (an attendance tap, a search box): its own
            # name and the names of its hx-vals are what it sends.
            method = "post" if "hx-post" in attrs else "get"
            action = attrs.get(f"hx-{method}", "").replace("&amp;", "&")
            names = set(json.loads(attrs.get("hx-vals") or "{}"))
            names |= {attrs["name"]} if attrs.get("name") else set()
            self.found.append((method, urljoin(self.page, action), names))
            return
        if tag == "form":
            action = attrs.get("hx-post") or attrs.get("action") or attrs.get("hx-get") or ""
            method = "post" if "hx-post" in attrs else (attrs.get("method") or "get").lower()
            self._open = (method, urljoin(self.page, action.replace("&amp;", "&")), set())
        elif tag in ("input", "select", "textarea", "button") and self._open and attrs.get(
                "name"):
            self._open[2].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            self.found.append(self._open)
            self._open = None


def _discover(client, pages: dict[str, set[str]] | None = None, starts=("/",)
              ) -> dict[tuple[str, str], set[str]]:
    """(method, path) of every form reachable from the start page, and its fields; the
    pages reached (path -> names of their query) are put in ``pages``."""
    forms: dict[tuple[str, str], set[str]] = {}
    for path, answer in walk(client.get, starts):
        if answer.status_code == 200 and pages is not None:
            target = urlsplit(path)
            pages.setdefault(target.path, set()).update(parse_qs(target.query))
        if answer.status_code != 200 or "text/html" not in answer.content_type:
            continue
        parser = Forms("http://localhost" + path)
        parser.feed(answer.get_data(as_text=True))
        for method, action, names in parser.found:
            target = urlsplit(action)
            if target.netloc in ("", "localhost") and target.path not in SKIPPED:
                forms.setdefault((method, target.path), set()).update(names - {"csrf_token"})
    return forms


@pytest.fixture(scope="module")
def town(database_url):
    """The demo town, and each form found once: by the first account (in ACCOUNTS order)
    whose pages lead to it, one per route and method (a form repeated for each row of a
    list is one form)."""
    def demo_town() -> dict[str, int]:
        seed_demo(persons=60, volunteers=30)
        users = list(db.session.scalars(select(User)))
        return {**{u.email: u.id for u in users},
                "roles": {u.email: u.role.value for u in users}}

    with shared_app(database_url, demo_town) as (app, ids):
        yield app, ids, *_forms(app, ids)


def _forms(app, ids: dict[str, int]) -> tuple[dict[str, list], dict[str, list]]:
    """Per account: the forms it reaches first, and the pages (every GET route, with the
    names of its query) it reaches first; one of each per route."""
    routes = app.url_map.bind("localhost")
    forms: dict[str, list] = {email: [] for email in ACCOUNTS}
    pages: dict[str, list] = {email: [] for email in ACCOUNTS}
    taken = set()
    for email in ACCOUNTS:
        reached: dict[str, set[str]] = {}
        found = _discover(client_of(app, ids.get(email)), reached,
                          PUBLIC_STARTS if email == ANONYMOUS else ("/",))
        for (method, path), names in sorted(found.items()):
            rule = _rule(routes, path, method)
            if rule and (method, rule) not in taken:
                taken.add((method, rule))
                forms[email].append((method, path, sorted(names)))
        for path, names in sorted(reached.items()):
            rule = _rule(routes, path, "get")
            if rule and ("page", rule) not in taken:
                taken.add(("page", rule))
                pages[email].append((path, sorted(names | QUERY_NAMES)))
    return forms, pages


def _rule(routes, path: str, method: str) -> str | None:
    try:
        return routes.match(path, method=method.upper(), return_rule=True)[0].rule
    except Exception:  # noqa: BLE001 (a link to nowhere is for the crawl to find)
        return None


# Every query name the code reads (request.args / request.values), sent to every page.
QUERY_NAMES = {name for source in Path(__file__).parents[2].glob("*/**/*.py")
               if ".venv" not in source.parts and "tests" not in source.parts
               for name in re.findall(r'request\.(?:args|values)(?:\.get\(|\[)"(\w+)"',
                                      source.read_text(encoding="utf-8"))}


# Known troublemakers: each is also sent in every field of every form at once, before the
# generated inputs, so that no run can miss them.
EDGES = ["", " ", "0", "-1", "2026-02-30", "0000-00-00", "99999-12-31", "2026-13-01",
         "1900-01-01", "25:99", "abc", "<script>x</script>", "'; DROP TABLE persons; --",
         "%00", "true", "null", "🙂" * 50, "ą" * 300, "1e309", "NaN", "999999999999999999999"]
BAD = st.one_of(
    st.text(max_size=40),
    st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(3000, 12000)),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(EDGES))
# In CI the generated inputs are the same on every run, so that a run's verdict is about
# the change it tests; `make test` elsewhere draws new ones each time and so keeps exploring.
DERANDOMIZE = os.environ.get("CI") == "true"


def test_the_walk_finds_the_forms_and_pages_of_every_role(town):
    _app, _ids, forms, pages = town
    assert sum(len(found) for found in forms.values()) >= 40
    assert sum(len(found) for found in pages.values()) >= 50
    assert all(forms[email] and pages[email] for email in ACCOUNTS)
    assert {"q", "page", "month", "status"} <= QUERY_NAMES


SUMMARY = 'class="form-summary" role="alert"'


def explained(page: str) -> bool:
    """Whether a refused form's page says why: an error beside a field, or an alert other
    than the form's summary (which points to the fields, and so is no reason alone). An
    alert the page shows whatever was sent (a budget line over its plan) passes too: this
    finds a refusal that says nothing at all, not one that says the wrong thing."""
    return 'class="field-error"' in page or page.count('role="alert"') > page.count(SUMMARY)


def _fuzz(app, client, method: str, path: str, names: list[str]) -> None:
    """EXAMPLES generated inputs to one form; raises on the first that breaks it. The
    rows are counted after each post (a post that is refused must leave the count as
    the one before it left it)."""
    with app.app_context():
        rows = [row_count()]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              derandomize=DERANDOMIZE, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({}, optional={name: BAD for name in names}))
    def generated(data):
        send(data)

    def send(data):
        answer = (client.post(path, data=data) if method == "post"
                  else client.get(path, query_string=data))
        status = answer.status_code
        if status == 422 and "text/html" in answer.content_type:
            assert explained(answer.get_data(as_text=True)), (
                f"422 from {method.upper()} {path} shows no reason: {data!r}"[:300])
        answer.close()
        assert status < 500, f"{status} from {method.upper()} {path}"
        if method == "post":
            with app.app_context():
                now = row_count()
            if status in (400, 422):
                assert now == rows[0], f"{method.upper()} {path} refused but stored"
            rows[0] = now

    for edge in EDGES:
        send(dict.fromkeys(names, edge))
    generated()


def _common_names(forms) -> list[str]:
    """The forty field names forms use most, and every query name the code reads: what
    is sent where no field is known (a form that is only a button, a route no walk
    reached), so that it too gets generated input, in names a view might read."""
    used = Counter(n for found in forms.values() for _m, _p, ns in found for n in ns)
    return sorted({n for n, _count in used.most_common(40)} | QUERY_NAMES)


@pytest.mark.parametrize("email", ACCOUNTS)
def test_generated_input_never_breaks_a_form(town, email):
    """A form that is only a button is sent the common names, or every input would be
    the same empty post."""
    app, ids, forms, _pages = town
    client = client_of(app, ids.get(email))
    broken = []
    for method, path, names in forms[email]:
        try:
            _fuzz(app, client, method, path, names or _common_names(forms))
        except Exception as error:  # noqa: BLE001 (every form is tried; all failures told)
            broken.append(f"{method.upper()} {path}: {error!r}"[:600])
    _tell(f"{email}: {len(forms[email])} forms", len(forms[email]), EXAMPLES, broken)
    assert broken == [], "\n".join(broken)


HTMX = {"HX-Request": "true", "HX-Target": "main"}


def _fuzz_page(client, path: str, names: list[str]) -> None:
    """The troublemakers, then generated queries, to one page; raises on the first 5xx."""
    def send(data, htmx=False):
        answer = client.get(path, query_string=data, headers=HTMX if htmx else {})
        status = answer.status_code
        answer.close()
        assert status < 500, f"{status} from GET {path}?{data}"

    @settings(max_examples=PAGE_EXAMPLES, deadline=None, database=None,
              derandomize=DERANDOMIZE, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({}, optional={name: BAD for name in names}), st.booleans())
    def generated(data, htmx):
        send(data, htmx)

    for edge in EDGES:
        send(dict.fromkeys(names, edge), htmx=bool(len(edge) % 2))
    generated()


@pytest.mark.parametrize("email", ACCOUNTS)
def test_generated_queries_never_break_a_page_or_its_fragment(town, email):
    """Every page reached (htmx fragments and downloads too) with the known troublemakers
    and generated values in every query name the code reads, half as htmx requests."""
    app, ids, _forms, pages = town
    client = client_of(app, ids.get(email))
    broken = []
    for path, names in pages[email]:
        try:
            _fuzz_page(client, path, names)
        except Exception as error:  # noqa: BLE001 (every page is tried; all failures told)
            broken.append(f"GET {path}: {error!r}"[:600])
    _tell(f"{email}: {len(pages[email])} pages", len(pages[email]), PAGE_EXAMPLES, broken)
    assert broken == [], "\n".join(broken)


def _tell(what: str, routes: int, examples: int, broken: list[str]) -> None:
    """The figures of a walk, for `make fuzz` (pytest -rP shows them): the routes, the
    inputs sent at most (the troublemakers, then up to ``examples`` generated, which
    Hypothesis may stop short of), and what broke."""
    print(f"fuzz: {what}, at most {routes * (len(EDGES) + examples)} inputs; "  # noqa: T201
          f"broken: {len(broken)}")


def _reached(app, forms, pages) -> set[tuple[str, str]]:
    routes = app.url_map.bind("localhost")
    reached = set()
    for email in ACCOUNTS:
        reached |= {(m.upper(), _rule(routes, p, m)) for m, p, _names in forms[email]}
        reached |= {("GET", _rule(routes, p, "get")) for p, _names in pages[email]}
    return reached


def _unreached(app, forms, pages) -> list[tuple[str, object]]:
    """(method, rule) of the URL map that no walk reached: the kiosk's, links with a
    token, and what the demo town has no row for."""
    reached = _reached(app, forms, pages)
    return sorted(((method, rule) for rule in app.url_map.iter_rules()
                   if rule.endpoint != "static"
                   for method in sorted(rule.methods & {"GET", "POST"})
                   if (method, rule.rule) not in reached), key=lambda x: (x[1].rule, x[0]))


def _account_for(app, endpoint: str, ids: dict[str, int]) -> int | None:
    """The first demo account the endpoint's policy lets in (None: anonymous)."""
    with app.app_context():
        policy = policy_of(endpoint)
    for email in ACCOUNTS[:-1]:
        if isinstance(policy, (set, frozenset)) and Role(ids["roles"][email]) in policy:
            return ids[email]
    return None


def test_every_route_the_walk_did_not_reach_gets_generated_input_too(town):
    """The URL map, not the links, decides what is fuzzed: a route no walk reached is sent
    the troublemakers and generated input in the forty field names forms use most and
    every query name, as an account its policy lets in (ids: the first row; tokens: made
    up)."""
    app, ids, forms, pages = town
    names = _common_names(forms)
    unreached = _unreached(app, forms, pages)
    assert len(unreached) < len(_reached(app, forms, pages)) / 3  # the walk does the most
    adapter = app.url_map.bind("localhost")
    broken = []
    for method, rule in unreached:
        values = {arg: 1 if isinstance(conv, IntegerConverter) else "placeholder"
                  for arg, conv in rule._converters.items()}
        path = adapter.build(rule.endpoint, values, method=method)
        client = client_of(app, _account_for(app, rule.endpoint, ids))
        try:
            if method == "GET":
                _fuzz_page(client, path, names)
            else:
                _fuzz(app, client, "post", path, names)
        except Exception as error:  # noqa: BLE001 (every route is tried; all failures told)
            broken.append(f"{method} {path}: {error!r}"[:600])
    _tell(f"{len(unreached)} routes no walk reached", len(unreached), EXAMPLES, broken)
    assert broken == [], "\n".join(broken)
