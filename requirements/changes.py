"""What a new lock changes: ``python requirements/changes.py OLD NEW [OLD NEW ...]``.

Prints one line per package whose pinned version differs between each OLD and NEW lock
file (pip's requirements with hashes, or npm's package-lock.json), and exits 0; "no
change" when there is none. Used by ``make upgrade`` and ``make upgrade-plan``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def pins(path: Path) -> dict[str, str]:
    """Each package of a lock file with its version (or versions, for a lock that
    resolves a package differently by Python version or platform)."""
    if not path.exists():
        return {}
    if path.name == "package-lock.json":
        packages = json.loads(path.read_text(encoding="utf-8")).get("packages", {})
        return {name.removeprefix("node_modules/"): entry["version"]
                for name, entry in packages.items() if name and "version" in entry}
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found.setdefault(match[1].lower(), []).append(match[2])
    return {name: ", ".join(sorted(set(versions))) for name, versions in found.items()}


def changes(old: Path, new: Path) -> list[str]:
    before, after = pins(old), pins(new)
    lines = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was != now:
            lines.append(f"  {name}: {was or '(new)'} -> {now or '(removed)'}")
    return lines


def main(arguments: list[str]) -> int:
    if not arguments or len(arguments) % 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    for old, new in zip(arguments[::2], arguments[1::2], strict=True):
        lines = changes(Path(old), Path(new))
        print(f"{Path(new).name}: {len(lines) or 'no'} change{'' if len(lines) == 1 else 's'}")
        for line in lines:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
