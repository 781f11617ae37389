"""The licences: MIT for the code, CC BY 4.0 for the text and figures, stated in the files, the README and the
package metadata (issue #28)."""

from __future__ import annotations

import re

from helpers import ROOT


def test_the_code_is_under_the_mit_licence():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text
    assert 'The "CNNs, hands-on" contributors' in text


def test_the_text_and_figures_are_under_cc_by_4():
    text = (ROOT / "LICENSE-prose").read_text()
    assert "Creative Commons" in text and "(CC BY 4.0)" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    assert "see LICENSE" in text  # and it says where the code's licence is


def test_the_package_metadata_names_both():
    text = (ROOT / "pyproject.toml").read_text()  # read as text: tomllib needs Python 3.11, the course runs on 3.10
    assert re.search(r'^license = "MIT AND CC-BY-4\.0"', text, re.MULTILINE)
    files = re.search(r"^license-files = \[(.*)\]$", text, re.MULTILINE)
    assert files and [name.strip(' "') for name in files.group(1).split(",")] == ["LICENSE", "LICENSE-prose"]
    assert (ROOT / "LICENSE").is_file() and (ROOT / "LICENSE-prose").is_file()


def test_the_readme_states_both_with_links():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Licence", 1)[1].split("\n## ", 1)[0]
    assert "[MIT licence](LICENSE)" in section and "[CC BY 4.0](LICENSE-prose)" in section
