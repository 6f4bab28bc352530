"""Every string of the interface has a Polish translation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale, format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cal.core.templating import number

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "cal" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _extract(tmp_path) -> tuple[set, set]:
    """The message ids of the code and templates, and the files they came from."""
    target = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(target),
                    "--ignore-dirs", ".* node_modules tests bench", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with target.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    return {m.id for m in messages}, {path for m in messages for path, _line in m.locations}


def _catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="pl")


def test_every_message_of_the_code_is_in_the_polish_catalog(tmp_path):
    catalog = _catalog()
    ids, _files = _extract(tmp_path)
    missing = [mid for mid in ids if catalog.get(mid) is None]
    assert missing == [], "run 'make translations' and translate: " + repr(missing[:10])


def test_every_template_with_strings_is_extracted(tmp_path):
    # A template the extractor cannot parse is skipped silently; catch that here.
    _ids, files = _extract(tmp_path)
    templates = {str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if "_(" in p.read_text(encoding="utf-8")}
    assert templates - files == set()


def test_polish_catalog_is_complete_and_keeps_placeholders():
    problems = []
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        if message.fuzzy or not all(strings):
            problems.append(("untranslated", ids[0]))
        elif any(set(PLACEHOLDER.findall(s)) != expected for s in strings):
            problems.append(("placeholders", ids[0]))
        if isinstance(message.id, tuple) and len(strings) != 3:
            problems.append(("plural forms", ids[0]))
    assert problems == []


def test_a_request_finds_its_translations_once_and_follows_a_forced_locale(app):
    from flask_babel import force_locale, get_translations, gettext

    with app.test_request_context("/"):
        assert gettext("Volunteers") == "Wolontariusze"
        assert get_translations() is get_translations()  # kept for the request
        with force_locale("en"):
            assert gettext("Volunteers") == "Volunteers"
            assert app.jinja_env.from_string('{{ _("Volunteers") }}').render() == "Volunteers"
        assert gettext("Volunteers") == "Wolontariusze"
        assert app.jinja_env.from_string('{{ _("Volunteers") }}').render() == "Wolontariusze"


@settings(max_examples=400, deadline=None,  # the app is only read: one for all inputs
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, places=4)),
    places=st.sampled_from([1, 2]), locale=st.sampled_from(["pl", "en"]))
def test_numbers_are_written_as_babel_writes_them(app, value, places, locale):
    """The `number` filter writes what Babel's pattern writes, faster (a year's report
    writes a thousand numbers); but nought never with a sign, as Babel writes -0.001."""
    with app.test_request_context(), force_locale(locale):
        babel = format_decimal(value, "#,##0." + "#" * places)
        assert number(value, places) == ("0" if babel == "-0" else babel)
