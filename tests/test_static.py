"""Static checks in the suite: bandit on our code at medium severity and above, and
pip-audit on the installed packages when the package index can be reached. Each
exception is explained where it is made ([tool.bandit] in pyproject.toml, or the
IGNORED list below)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CODE = ["cal", "volunteers", "clubs", "seniors", "wsgi.py"]
# Known vulnerabilities accepted, each with its reason: none.
IGNORED: dict[str, str] = {}


def test_bandit_finds_nothing_of_medium_severity_or_above():
    ran = subprocess.run([str(BIN / "bandit"), "-r", *CODE, "-c", "pyproject.toml",
                          "--severity-level", "medium", "-f", "json", "-q"],
                         cwd=ROOT, capture_output=True, text=True)
    report = json.loads(ran.stdout)
    found = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
             for r in report["results"]]
    assert found == [], "\n".join(found)
    assert report["metrics"]["_totals"]["loc"] > 5000  # it read our code


def _index_reachable() -> bool:
    try:
        with urlopen("https://pypi.org/simple/pip/", timeout=5):
            return True
    except (URLError, OSError):
        return False


def test_no_installed_package_has_a_known_vulnerability():
    if not _index_reachable():  # outside CI it says so and skips; in CI it fails
        service_missing("pip-audit needs https://pypi.org, which cannot be reached")
    ran = subprocess.run([str(BIN / "pip-audit"), "--local", "--progress-spinner", "off",
                          "--skip-editable", "-f", "json",
                          *(f"--ignore-vuln={v}" for v in IGNORED)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ran.stdout, ran.stderr
    report = json.loads(ran.stdout)
    found = [f"{d['name']} {d['version']}: {v['id']} (fixed in {v['fix_versions']})"
             for d in report["dependencies"] for v in d.get("vulns", [])]
    assert found == [], "\n".join(found)
    assert len(report["dependencies"]) > 20  # it read the environment


def _contrast_on_white(colour: str) -> float:
    """WCAG contrast ratio of a #rrggbb colour against white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_focus_rings_and_the_unmarked_buttons_border_stand_out_from_white():
    """WCAG 1.4.11: a focus ring (the duration chips' was amber, 2.15:1) and the dashed
    border of the "not marked" button (2.44:1) need 3:1 against the page."""
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "cal" / "static" / "app.css").read_text()
    rings = re.findall(r"outline:\s*\d+px solid (#[0-9a-fA-F]{6})", css)
    unmarked = re.search(r"\.mark-none \{[^}]*border: 2px dashed (#[0-9a-fA-F]{6})", css)
    assert rings and unmarked
    for colour in [*rings, unmarked.group(1)]:
        assert _contrast_on_white(colour) >= 3, colour
