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
