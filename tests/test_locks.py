"""The lock files installs take (README, Installs): they follow pyproject.toml, pin every
package with its hashes, and the application's lock agrees with the development one."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

from requirements.changes import changes, pins

ROOT = Path(__file__).resolve().parents[1]
APP, DEV = ROOT / "requirements" / "app.txt", ROOT / "requirements" / "dev.txt"
PIP = ROOT / "requirements" / "pip.txt"
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)==(?P<version>\S+?)(?: ; (?P<marker>[^\\]+))? \\$")


def _entries(path: Path) -> list[dict]:
    """Each pinned line of a lock with its marker and the number of its hashes."""
    entries, lines = [], path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = ENTRY.match(line)
        if match:
            hashes = 0
            for following in lines[number + 1:]:
                if not following.strip().startswith("--hash=sha256:"):
                    break
                hashes += 1
            entries.append({**match.groupdict(), "hashes": hashes})
    return entries


def _locked(path: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in _entries(path):
        found.setdefault(entry["name"].lower().replace("_", "-"), []).append(entry)
    return found


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _satisfied(requirements: list[str], locked: dict[str, list[dict]]) -> list[str]:
    """The requirements of pyproject.toml that the lock does not meet (on this Python)."""
    unmet = []
    for text in requirements:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        versions = [e["version"] for e in locked.get(name, [])
                    if not e["marker"] or Marker(e["marker"]).evaluate()]
        if not versions or not all(requirement.specifier.contains(v, prereleases=True)
                                   for v in versions):
            unmet.append(f"{text}: locked {versions or 'nothing'}")
    return unmet


def test_every_dependency_of_pyproject_is_locked_within_its_range():
    project = _project()
    assert _satisfied(project["dependencies"], _locked(APP)) == []
    everything = project["dependencies"] + project["optional-dependencies"]["dev"]
    assert _satisfied(everything, _locked(DEV)) == []


def test_every_locked_package_is_pinned_with_its_hashes():
    for path in (APP, DEV, PIP):
        entries = _entries(path)
        assert len(entries) > (0 if path == PIP else 40), path
        assert [e["name"] for e in entries if e["hashes"] == 0] == [], path
        pinned = [line for line in path.read_text(encoding="utf-8").splitlines()
                  if "==" in line and not line.startswith("#")]
        assert len(pinned) == len(entries), f"{path}: a pin the test does not read"


def test_the_application_lock_takes_the_development_locks_versions():
    app, dev = pins(APP), pins(DEV)
    assert {name: version for name, version in app.items() if dev.get(name) != version} == {}
    # the test and dev tools stay out of production
    assert not {"pytest", "playwright", "hypothesis", "uv"} & app.keys()


def test_the_installer_comes_first_at_a_locked_version_that_takes_extras():
    """A venv's own pip may be older than 23.3, which refuses a hashed install as soon as
    the index has a release newer than the lock's of a package asked for with extras
    (weasyprint's fonttools[woff]): every install puts the locked pip in first."""
    pip = pins(PIP)
    assert list(pip) == ["pip"] and pip["pip"] == pins(DEV)["pip"]
    assert Version(pip["pip"]) >= Version("23.3")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^(\$\(VENV\)/\.installed(?:-dev)?):([^\n]*)", makefile, re.M))
    assert set(rules) == {"$(VENV)/.installed", "$(VENV)/.installed-dev"}
    assert all("$(VENV)/.installed-pip" in prerequisites for prerequisites in rules.values())
    assert "-r requirements/pip.txt" in makefile


def test_the_front_end_tools_are_locked_with_their_integrity():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    packages = {name: entry for name, entry in lock["packages"].items() if name}
    assert packages and all(entry.get("integrity", "").startswith("sha512-")
                            for entry in packages.values())


def test_changes_between_two_locks_are_listed_per_package(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("redis==7.4.1 \\\n    --hash=sha256:00\nrq==3.0.0 \\\n    --hash=sha256:01\n")
    new.write_text("redis==8.2.0 \\\n    --hash=sha256:02\nrq==3.0.0 \\\n    --hash=sha256:01\n"
                   "croniter==7.0.0 \\\n    --hash=sha256:03\n")
    assert changes(old, new) == ["  croniter: (new) -> 7.0.0", "  redis: 7.4.1 -> 8.2.0"]
    assert changes(old, old) == []
