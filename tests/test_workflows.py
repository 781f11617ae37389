"""The GitHub workflows (pages.yml, the weekly compat.yml) and the tools they run that CI cannot: the link check and
the README's "still works" line. actionlint cannot be installed offline here (its PyPI package downloads the binary
from GitHub at build time), so the workflows' structure is checked directly."""

from __future__ import annotations

import http.server
import os
import re
import threading
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from tools import (
    check_links,
    compat_stamp,
)

WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as True
    return workflow


def _runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])


def _make_targets() -> set[str]:
    return set(re.search(r"^\.PHONY: (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1).split())


@pytest.mark.parametrize("name", sorted(path.name for path in WORKFLOWS.glob("*.yml")))
def test_every_workflow_is_valid_and_calls_only_what_exists(name):
    workflow = _workflow(name)
    assert workflow["name"] and workflow["on"] and workflow["jobs"], name
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest" and job["steps"], job
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step  # each step does exactly one thing
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]  # pinned to a major version
    runs = _runs(workflow)
    assert set(re.findall(r"\bmake ([a-z-]+)", runs)) <= _make_targets(), runs
    for tool in re.findall(r"-m tools\.(\w+)", runs):
        assert (ROOT / "tools" / f"{tool}.py").is_file(), tool


def test_pages_publishes_the_website_over_the_jupyterlite_site():
    runs = _runs(_workflow("pages.yml"))
    assert runs.index("make lite") < runs.index("make site") < runs.index("cp -r _book/. _site/")


def test_the_weekly_check_runs_every_version_check_and_reports_failures_once():
    workflow = _workflow("compat.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    assert re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", workflow["on"]["schedule"][0]["cron"])
    job = workflow["jobs"]["check"]
    assert job["defaults"]["run"]["shell"] == "bash"  # pipefail: `make ... | tee` fails when make fails
    runs = _runs(workflow)
    for command in ("make test-colab", "make test-latest", "make lite", "make site", "-m tools.check_links",
                    "-m tools.compat_stamp"):
        assert command in runs, command
    on_failure = [step for step in job["steps"] if step.get("if") == "failure()"]
    assert len(on_failure) == 1
    assert "gh issue comment" in on_failure[0]["run"] and "gh issue create" in on_failure[0]["run"]
    assert workflow["permissions"] == {"contents": "write", "issues": "write"}


def test_links_are_found_in_markdown_and_html_once_each(tmp_path):
    (tmp_path / "a.md").write_text("[x](https://example.org/a) [y](https://example.org/a) [z](local.md) "
                                   "[w](http://127.0.0.1:8000/)")
    site = tmp_path / "site"
    site.mkdir()
    (site / "p.html").write_text('<a class="r" href="https://example.org/b?x=1&amp;y=2">b</a><img src="https://x/i.png">')
    assert check_links.links_in([tmp_path / "a.md", site]) == ["https://example.org/a", "https://example.org/b?x=1&y=2"]


def test_only_failing_answers_count_as_broken():
    answers = {"https://ok": 200, "https://moved": 301, "https://gone": 404, "https://down": 0, "https://err": 503}
    assert check_links.broken(answers, ask=answers.get) == [("https://gone", 404), ("https://down", 0),
                                                            ("https://err", 503)]


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self, with_body: bool) -> None:
        code = {"/ok": 200, "/missing": 404}.get(self.path, 200)
        if self.path == "/no-head" and self.command == "HEAD":
            code = 405
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(True)

    def log_message(self, *args) -> None:
        pass


def test_status_asks_again_with_get_when_head_is_refused():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert check_links.status(f"{base}/ok") == 200
        assert check_links.status(f"{base}/missing") == 404
        assert check_links.status(f"{base}/no-head") == 200
        assert check_links.status("http://127.0.0.1:9/nothing-listens", timeout=2) == 0
    finally:
        server.shutdown()
        server.server_close()


def test_the_still_works_line_is_written_between_its_markers():
    readme = (ROOT / "README.md").read_text()
    assert readme.count(compat_stamp.START) == 1 and readme.count(compat_stamp.END) == 1
    line = compat_stamp.stamp_line("2026-12-07", {"tensorflow": "2.20.0", "keras": "3.13.2"},
                                   {"tensorflow": "2.21.0", "numpy": "2.5.5"})
    assert "last passed on 2026-12-07" in line and "(TensorFlow 2.20.0, Keras 3.13.2)" in line
    assert "(TensorFlow 2.21.0, NumPy 2.5.5)" in line
    updated = compat_stamp.updated_readme(readme, line)
    assert line in updated and updated.replace(line, "") == re.sub(
        re.escape(compat_stamp.START) + ".*?" + re.escape(compat_stamp.END), "", readme, flags=re.DOTALL)
    with pytest.raises(ValueError, match="exactly one"):
        compat_stamp.updated_readme("no markers here", line)


def test_versions_are_read_from_the_virtualenv_pip_list(tmp_path, monkeypatch):
    listing = '[{"name": "TensorFlow", "version": "2.20.0"}, {"name": "pytest", "version": "9.2.0"}]'
    completed = type("Done", (), {"stdout": listing})
    monkeypatch.setattr(compat_stamp.subprocess, "run", lambda *args, **kwargs: completed)
    assert compat_stamp.versions(tmp_path) == {"tensorflow": "2.20.0"}




def _actionlint(files: list[Path]) -> list[str]:
    from tools import actionlint

    try:
        return actionlint.lint(files)
    except actionlint.Unavailable as reason:
        if os.environ.get("COURSE_ACTIONLINT") == "required":
            pytest.fail(f"actionlint: {reason} (COURSE_ACTIONLINT=required)")
        pytest.skip(f"actionlint: {reason}")


def test_every_workflow_passes_actionlint():
    assert _actionlint(sorted(WORKFLOWS.glob("*.yml"))) == []


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeoutminutes: 3\n"
                      "    steps:\n      - run: echo ${{ github.no_such_property }}\n")
    problems = _actionlint([broken])
    assert any("timeoutminutes" in line for line in problems), problems
    assert any("no_such_property" in line for line in problems), problems


def test_a_tampered_actionlint_package_is_refused(tmp_path):
    from tools import actionlint

    (tmp_path / f"actionlint-{actionlint.VERSION}.tgz").write_bytes(b"not the package")
    with pytest.raises(actionlint.Unavailable, match="does not match the SHA-512"):
        actionlint.package(tmp_path)
    assert (tmp_path / f"actionlint-{actionlint.VERSION}.tgz.rejected").is_file()  # kept, never used
