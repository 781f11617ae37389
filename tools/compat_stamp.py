"""Write the README's "still works" line: the date and versions of the last passing weekly check.

    python -m tools.compat_stamp --colab-venv .venv-colab --latest-venv .venv-latest [--date 2026-12-07]

.github/workflows/compat.yml runs it after `make test-colab`, `make test-latest`, `make lite` and the link check
all passed, and commits the README. The line sits between the ``compat`` markers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- compat:start -->", "<!-- compat:end -->"
SHOWN = {"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy", "scipy": "SciPy", "matplotlib": "matplotlib",
         "ipywidgets": "ipywidgets"}


def versions(venv: Path) -> dict[str, str]:
    """The versions of the packages the line shows, as installed in ``venv``."""
    listing = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
                             capture_output=True, text=True, check=True).stdout
    return {item["name"].lower(): item["version"] for item in json.loads(listing) if item["name"].lower() in SHOWN}


def _listed(found: dict[str, str]) -> str:
    return ", ".join(f"{SHOWN[name]} {found[name]}" for name in SHOWN if name in found)


def stamp_line(date: str, colab: dict[str, str], latest: dict[str, str]) -> str:
    """The README line for a check that passed on ``date`` with these versions."""
    return (f"{START}**Still works:** the weekly check (`.github/workflows/compat.yml`) last passed on {date}: "
            f"the whole suite on Colab's versions ({_listed(colab)}) and on the newest releases ({_listed(latest)}), "
            f"the JupyterLite build, and every link of the README and the website.{END}")


def updated_readme(text: str, line: str) -> str:
    """``text`` with the line between the compat markers replaced."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"README.md needs exactly one {START} ... {END} line")
    before, rest = text.split(START, 1)
    return before + line + rest.split(END, 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--colab-venv", type=Path, default=ROOT / ".venv-colab")
    parser.add_argument("--latest-venv", type=Path, default=ROOT / ".venv-latest")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    arguments = parser.parse_args()
    line = stamp_line(arguments.date, versions(arguments.colab_venv), versions(arguments.latest_venv))
    readme = ROOT / "README.md"
    readme.write_text(updated_readme(readme.read_text(encoding="utf-8"), line), encoding="utf-8")
    print(line)


if __name__ == "__main__":
    main()
