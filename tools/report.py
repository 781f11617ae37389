"""Run every notebook in full mode and write the course results report.

    python tools/report.py            # or: make report

Each notebook is first updated from its paired .py, then executed top to bottom in a fresh kernel through
nbclient (tools/run_notebook.py), which samples the kernel's RSS; its outputs are stored. The key figures come
from the values each notebook records with ``course_utils.results.record`` (not from printed text). The fast-mode
nbval suite that CI runs is timed too, unless ``--skip-ci``. Written:

- docs/results.md and docs/results.json: per notebook wall time, peak RSS, recorded values, pass/fail, targets;
- docs/results.png: time and memory per notebook, with the targets;
- the README's course map (between its ``course-map`` markers), with the measured times.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from run_notebook import run  # noqa: E402

from course_utils.results import read_recorded  # noqa: E402

COURSE_SECONDS_TARGET = 15 * 60
NOTEBOOK_RSS_TARGET = 1.5e9  # bytes
CI_SECONDS_TARGET = 5 * 60
DOCS = ROOT / "docs"


def _versions() -> str:
    import importlib.metadata as metadata

    names = ("tensorflow", "keras", "numpy", "scipy", "matplotlib")
    return ", ".join(f"{name} {metadata.version(name)}" for name in names)


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "course_utils",
                                  "notebooks/*.py", "tools"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} + uncommitted changes" if changed else head


def _sync_from_py(notebook: Path) -> None:
    jupytext = Path(sys.executable).parent / "jupytext"
    subprocess.run([str(jupytext), "--quiet", "--update", "--to", "ipynb", str(notebook.with_suffix(".py")),
                    "-o", str(notebook)], check=True)


def _check_values(values: list[dict]) -> list[dict]:
    for value in values:
        low_high = value.get("expected")
        value["passed"] = low_high is None or low_high[0] <= value["value"] <= low_high[1]
    return values


def run_course(notebooks: list[Path]) -> list[dict]:
    """Execute each notebook in full mode; return one row per notebook."""
    os.environ.pop("COURSE_FAST", None)
    os.environ.pop("MPLBACKEND", None)  # kernels must use the inline backend, or figures are not stored
    rows = []
    for notebook in notebooks:
        print(f"== {notebook.name}", flush=True)
        _sync_from_py(notebook)
        row = {"notebook": notebook.stem, "seconds": None, "peak_rss": None, "values": [], "error": None}
        try:
            row["seconds"], row["peak_rss"] = run(notebook)
            row["values"] = _check_values(read_recorded(nbformat.read(notebook, as_version=4)))
        except Exception as error:  # noqa: BLE001 - one failing notebook must not hide the others' figures
            row["error"] = f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
        print(f"   {row['seconds'] or 0:.0f} s, {(row['peak_rss'] or 0) / 2**20:,.0f} MiB, "
              f"{row['error'] or 'ok'}", flush=True)
        rows.append(row)
    return rows


def time_ci_suite() -> tuple[float, int]:
    """Time the fast-mode nbval run of all notebooks, as CI runs it (2 workers); return (seconds, exit code)."""
    env = dict(os.environ, COURSE_FAST="1", MPLBACKEND="Agg")
    start = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope", "notebooks"],
                           cwd=ROOT, env=env)
    return time.perf_counter() - start, code


def _status(row: dict) -> str:
    if row["error"]:
        return "FAIL (error)"
    if row["peak_rss"] > NOTEBOOK_RSS_TARGET:
        return "FAIL (memory)"
    if not all(value["passed"] for value in row["values"]):
        return "FAIL (values)"
    return "pass"


def _value_text(value: dict) -> str:
    text = f"{value['name']} = {value['value']:.4g}"
    if value["expected"]:
        text += f" (expected {value['expected'][0]:g}–{value['expected'][1]:g})"
    return text if value["passed"] else text + " **out of range**"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def write_markdown(rows: list[dict], ci: tuple[float, int] | None, when: str) -> str:
    total = sum(row["seconds"] or 0 for row in rows)
    peak = max((row["peak_rss"] or 0) for row in rows)
    lines = [
        "# Course results: one full-mode run of every notebook",
        "",
        f"Generated by `make report` (tools/report.py) on {when}, commit `{_commit()}`.",
        f"Machine: {os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}; "
        f"{_versions()}.",
        "Each notebook ran top to bottom in a fresh kernel (nbclient); peak RSS is the kernel process's resident "
        "memory, sampled every 0.1 s. Values are those the notebook recorded with `results.record`; *expected* is "
        "the range its full mode promises.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| whole course in full mode ≤ {COURSE_SECONDS_TARGET // 60} min | {total / 60:.1f} min | "
        f"{'met' if total <= COURSE_SECONDS_TARGET else '**MISSED**'} |",
        f"| every notebook peaks ≤ {NOTEBOOK_RSS_TARGET / 1e9:.1f} GB RSS | highest {peak / 1e9:.2f} GB | "
        f"{'met' if peak <= NOTEBOOK_RSS_TARGET else '**MISSED**'} |",
    ]
    if ci is not None:
        seconds, code = ci
        verdict = "met" if seconds <= CI_SECONDS_TARGET and code == 0 else "**MISSED**"
        outcome = "passed" if code == 0 else f"FAILED (exit {code})"
        lines.append(f"| CI nbval suite (fast mode, 2 workers) ≤ {CI_SECONDS_TARGET // 60} min | "
                     f"{seconds / 60:.1f} min, {outcome} | {verdict} |")
    lines += ["", "## Per notebook", "", "| notebook | wall time | peak RSS | recorded values | status |",
              "|---|---|---|---|---|"]
    for row in rows:
        values = "<br>".join(_value_text(v) for v in row["values"]) or "–"
        if row["error"]:
            values = f"error: {row['error']}"
        seconds = _minutes(row["seconds"]) if row["seconds"] else "–"
        rss = f"{row['peak_rss'] / 2**20:,.0f} MiB" if row["peak_rss"] else "–"
        lines.append(f"| {row['notebook']} | {seconds} | {rss} | {values} | {_status(row)} |")
    lines += ["", f"Total: {total / 60:.1f} min of notebook execution.", "",
              "![Time and memory per notebook](results.png)", ""]
    return "\n".join(lines)


def write_plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [row["notebook"][:2] for row in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.bar(names, [(row["seconds"] or 0) for row in rows], color="tab:blue")
    left.set_ylabel("wall time (s)")
    left.set_title(f"time per notebook (course target {COURSE_SECONDS_TARGET // 60} min in total)")
    right.bar(names, [(row["peak_rss"] or 0) / 2**20 for row in rows], color="tab:orange")
    right.axhline(NOTEBOOK_RSS_TARGET / 2**20, color="red", linestyle="--", label="1.5 GB target")
    right.set_ylabel("peak kernel RSS (MiB)")
    right.set_title("memory per notebook")
    right.legend()
    for ax in (left, right):
        ax.set_xlabel("notebook")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def update_readme_times(rows: list[dict]) -> None:
    """Put each notebook's measured time into the README course map (the cell after its link)."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for row in rows:
        if not row["seconds"]:
            continue
        marker = f"<!-- time:{row['notebook'][:2]} -->"
        start = text.find(marker)
        if start < 0:
            continue
        end = text.find("|", start)
        text = text[:start] + f"{marker} {_minutes(row['seconds'])} " + text[end:]
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ci", action="store_true", help="do not time the fast-mode nbval suite")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = run_course(notebooks)
    ci = None if args.skip_ci else time_ci_suite()
    DOCS.mkdir(exist_ok=True)
    (DOCS / "results.md").write_text(write_markdown(rows, ci, when), encoding="utf-8")
    (DOCS / "results.json").write_text(json.dumps({"generated": when, "notebooks": rows, "ci_seconds": ci and ci[0],
                                                   "ci_exit_code": ci and ci[1]}, indent=1), encoding="utf-8")
    write_plot(rows, DOCS / "results.png")
    update_readme_times(rows)
    print((DOCS / "results.md").read_text(encoding="utf-8"))
    failed = [row["notebook"] for row in rows if _status(row) != "pass"]
    sys.exit(1 if failed or (ci is not None and ci[1] != 0) else 0)


if __name__ == "__main__":
    main()
