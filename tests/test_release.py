"""Release hygiene: every link points to a ref that exists, one version everywhere, one Python range everywhere."""

from __future__ import annotations

import re
import subprocess

import pytest
from helpers import ROOT

import course_utils  # noqa: E402
from tools import (
    links,
    release,
)


def _pyproject() -> str:
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_link_points_to_a_ref_that_exists():
    _, ref = links.course_config()
    if ref == "main":
        return
    tags = subprocess.run(["git", "tag", "--list", ref], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tags == [ref], f"[tool.course] ref = {ref!r} but no such tag exists: every badge would be a dead link"


def test_the_ref_is_main_or_this_versions_tag():
    _, ref = links.course_config()
    assert ref in ("main", f"v{course_utils.__version__}")


def test_the_version_is_written_in_one_place():
    import importlib.metadata

    text = _pyproject()
    assert not re.search(r"^version = \"", text, re.MULTILINE), "pyproject.toml takes the version from course_utils"
    assert 'version = {attr = "course_utils.__version__"}' in text
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    written = [ROOT / name for name in tracked
               if re.search(r'^__version__ = "', (ROOT / name).read_text(encoding="utf-8"), re.MULTILINE)]
    assert [p.relative_to(ROOT).as_posix() for p in written] == ["course_utils/__init__.py"]
    assert importlib.metadata.version("course-utils") == course_utils.__version__, "reinstall: make venv"


def _stated_python_ranges() -> dict[str, tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lower, upper = re.search(r'requires-python = ">=3\.(\d+),<3\.(\d+)"', _pyproject()).groups()
    return {
        "pyproject.toml": (f"3.{lower}", f"3.{int(upper) - 1}"),
        "README.md": re.search(r"Python (3\.\d+) to (3\.\d+) and `make`", readme).groups(),
        "requirements.txt": re.search(r"supported Python \((3\.\d+) to (3\.\d+)\)", requirements).groups(),
        "Makefile": tuple(f"3.{m}" for m in
                          re.search(r"\(3, (\d+)\) <= v <= \(3, (\d+)\)", makefile).groups()),
    }


def test_python_support_is_stated_identically_everywhere():
    stated = _stated_python_ranges()
    assert len(set(stated.values())) == 1, f"Python support differs between files: {stated}"


def test_set_version_writes_every_place(tmp_path):
    (tmp_path / "course_utils").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        'dynamic = ["version"]\n[tool.course]\nrepository = "a/b"\nref = "main"\n[tool.x]\nref = "keep"\n')
    (tmp_path / "course_utils" / "__init__.py").write_text('"""Doc."""\n__version__ = "0.2.0"\n')
    release.set_version(tmp_path, "0.3.0")
    text = (tmp_path / "pyproject.toml").read_text()
    assert 'ref = "v0.3.0"' in text and 'version = "' not in text
    assert 'ref = "keep"' in text  # only the [tool.course] table's ref
    assert '__version__ = "0.3.0"' in (tmp_path / "course_utils" / "__init__.py").read_text()
    with pytest.raises(release.ReleaseError, match="MAJOR.MINOR.PATCH"):
        release.set_version(tmp_path, "v0.4")


def test_the_readme_lists_every_course_utils_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^  (\w+\.py|\w+/) ", readme.split("course_utils/     ", 1)[1].split("\nbenchmarks/")[0],
                            re.MULTILINE))
    present = {p.name for p in (ROOT / "course_utils").glob("*.py") if p.name != "__init__.py"} | {"exercises/"}
    assert listed == present, f"README misses {sorted(present - listed)}, lists gone {sorted(listed - present)}"
