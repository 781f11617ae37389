"""Run every notebook in full mode and write the course results report.

    python -m tools.report            # or: make report

Each notebook is first updated from its paired .py, then executed top to bottom in a fresh kernel through
nbclient (tools/run_notebook.py), which samples the kernel's RSS; its outputs are stored. The key figures come
from the values each notebook records with ``course_utils.results.record`` (not from printed text). The fast-mode
nbval suite that CI runs is timed too, unless ``--skip-ci``. Written:

- docs/results.md and docs/results.json: per notebook wall time, peak RSS, recorded values, pass/fail, targets;
- docs/results.png: time and memory per notebook, with the targets;
- the README's course map (between its ``course-map`` markers), with the measured times, through tools/links.py,
  its one writer.

    python -m tools.report --only 03 04     # re-run some notebooks; the other rows are kept from results.json
    python -m tools.report --seeds 1 2 3    # the seed study (make seed-study): COURSE_SEED=n, outputs not stored

The seed study runs each notebook once per seed in full mode without storing its outputs, and keeps every
recorded value in docs/seed_study.json; docs/results.md shows, per value, the spread over the seeds against the
expected range, which is what the ranges are chosen from.
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

from course_utils.results import read_recorded  # noqa: E402
from tools.links import minutes, regenerate  # noqa: E402
from tools.run_notebook import run  # noqa: E402

COURSE_SECONDS_TARGET = 12 * 60
NOTEBOOK_SECONDS_TARGET = 150  # no notebook makes a learner wait longer (issue #16)
NOTEBOOK_RSS_TARGET = 1.5e9  # bytes
CI_SECONDS_TARGET = 5 * 60
DOCS = ROOT / "docs"


def _versions() -> str:
    import importlib.metadata as metadata

    names = ("tensorflow", "keras", "numpy", "scipy", "matplotlib")
    return ", ".join(f"{name} {metadata.version(name)}" for name in names)


def _commit() -> str:
    """Return the short commit hash, with ``+ uncommitted changes`` when code the notebooks run differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "course_utils",
                                  "notebooks/*.py", "notebooks/*.md", "tools"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.strip()
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


def run_course(notebooks: list[Path], seed: int | None = None) -> list[dict]:
    """Execute each notebook in full mode (with ``COURSE_SEED=seed`` unless None); return one row per notebook.

    With the default seed the executed outputs are stored in the notebooks; with another seed they are not.
    """
    os.environ.pop("COURSE_FAST", None)
    os.environ.pop("MPLBACKEND", None)  # kernels must use the inline backend, or figures are not stored
    if seed is None:
        os.environ.pop("COURSE_SEED", None)
    else:
        os.environ["COURSE_SEED"] = str(seed)
    rows = []
    for notebook in notebooks:
        print(f"== {notebook.name}" + (f" (seed {seed})" if seed is not None else ""), flush=True)
        _sync_from_py(notebook)
        row = {"notebook": notebook.stem, "seconds": None, "peak_rss": None, "values": [], "error": None,
               "commit": _commit(), "seed": seed}
        try:
            if seed is None:
                row["seconds"], row["peak_rss"] = run(notebook)
                executed = nbformat.read(notebook, as_version=4)
            else:
                row["seconds"], row["peak_rss"], executed = run(notebook, write=False, return_notebook=True)
            row["values"] = _check_values(read_recorded(executed))
        except Exception as error:  # noqa: BLE001 - one failing notebook must not hide the others' figures
            row["error"] = _error_text(error)
        print(f"   {row['seconds'] or 0:.0f} s, {(row['peak_rss'] or 0) / 2**20:,.0f} MiB, "
              f"{row['error'] or 'ok'}", flush=True)
        rows.append(row)
    return rows


def _error_text(error: Exception) -> str:
    """One line naming the error; for a failing cell, its last line (the exception the notebook raised)."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    failing = [line for line in lines if "Error" in line and ":" in line]
    text = (failing[-1] if failing else lines[0] if lines else "").strip()
    return f"{type(error).__name__}: {text[:300]}"


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


def _commits_text(rows: list[dict]) -> str:
    commits = sorted({row.get("commit") or "unknown" for row in rows})
    if len(commits) == 1:
        return f"commit `{commits[0]}`"
    return "commits " + ", ".join(
        f"`{c}` ({', '.join(r['notebook'][:2] for r in rows if (r.get('commit') or 'unknown') == c)})" for c in commits)


def _margin(value: float, expected: list[float]) -> float:
    """Distance to the nearest end of the range that a value could cross; 0 and 1 bound accuracies and errors."""
    ends = [value - expected[0]] if expected[0] not in (0, 1) else []
    ends += [expected[1] - value] if expected[1] not in (0, 1) else []
    return min(ends) if ends else min(value - expected[0], expected[1] - value)


def _stats(numbers: list[float]) -> tuple[float, float]:
    mean = sum(numbers) / len(numbers)
    spread = (sum((x - mean) ** 2 for x in numbers) / (len(numbers) - 1)) ** 0.5 if len(numbers) > 1 else 0.0
    return mean, spread


SEED_STUDY_INTRO = (
    "Each notebook also ran in full mode with `COURSE_SEED` = {seeds} (`make seed-study`), outputs not stored, besides "
    "the default seed 42 above. Per recorded value: the mean and standard deviation over all the seeds, the lowest and "
    "highest, and the margin: the smallest distance, over the seeds, to the end of the expected range that a value "
    "could cross (0 and 1 are natural limits, not ends). The ranges are chosen to keep a margin for seeds and "
    "machines nobody ran. A claim is a comparison the text relies on: 1 means it held.")
SEED_STUDY_HEAD = ["| notebook | value | seed 42 | other seeds | mean ± sd | min–max | expected | margin | status |",
                   "|---|---|---|---|---|---|---|---|---|"]


def _verdict(numbers: list[float], expected: list[float] | None, complete: bool) -> tuple[str, bool]:
    """(margin text, whether every seed kept the value in range): a claim must hold (1) in every run."""
    if expected and expected[0] == expected[1] == 1.0:
        return "–", complete and all(x == 1.0 for x in numbers)
    if expected:
        margin = min(_margin(x, expected) for x in numbers)
        return f"{margin:.3g}", complete and margin >= 0
    return "–", complete


def _value_line(number: str, name: str, runs: dict[int, dict]) -> str:
    """One recorded value's row: seed 42, the other seeds, their spread, its range, margin and status."""
    found = {seed: next((v for v in run.get("values", []) if v["name"] == name), None)
             for seed, run in sorted(runs.items())}
    numbers = [v["value"] for v in found.values() if v is not None]
    expected = next((v["expected"] for v in found.values() if v and v.get("expected")), None)
    failed = [seed for seed, run in runs.items() if run.get("error")]
    margin, ok = _verdict(numbers, expected, all(v is not None for v in found.values()) and not failed)
    mean, spread = _stats(numbers)
    others = ", ".join(f"{v['value']:.4g}" if v else "–" for seed, v in found.items() if seed != 42)
    seed42 = f"{found[42]['value']:.4g}" if found.get(42) else "–"
    status = "pass" if ok else "**FAIL**" + (f" (error with seed {failed})" if failed else "")
    expected_text = f"{expected[0]:g}–{expected[1]:g}" if expected else "–"
    return (f"| {number} | {name} | {seed42} | {others} | {mean:.4g} ± {spread:.2g} | "
            f"{min(numbers):.4g}–{max(numbers):.4g} | {expected_text} | {margin} | {status} |")


def _time_line(number: str, runs: dict[int, dict]) -> str:
    """A notebook's wall time over the seeds, as one more row of the seed-study table."""
    times = [run["seconds"] for run in runs.values() if run.get("seconds")]
    others = ", ".join(f"{run['seconds']:.0f}" if run.get("seconds") else "–"
                       for seed, run in sorted(runs.items()) if seed != 42)
    mean, spread = _stats(times)
    return (f"| {number} | wall time (s) | {runs[42]['seconds'] or 0:.0f} | {others} | {mean:.0f} ± {spread:.0f} | "
            f"{min(times):.0f}–{max(times):.0f} | – | – | – |")


def seed_study_lines(rows: list[dict], study: dict) -> list[str]:
    """The seed-study section: per recorded value, its spread over every seed run against its expected range."""
    if not study:
        return []
    seeds = sorted({int(seed) for per_seed in study.values() for seed in per_seed})
    lines = ["## Seed study", "", SEED_STUDY_INTRO.format(seeds=", ".join(map(str, seeds))), "", *SEED_STUDY_HEAD]
    for row in rows:
        per_seed = study.get(row["notebook"], {})
        if not per_seed:
            continue
        runs = {42: row, **{int(k): v for k, v in per_seed.items()}}
        names = dict.fromkeys(v["name"] for run in runs.values() for v in run.get("values", []))
        lines += [_value_line(row["notebook"][:2], name, runs) for name in names]
        lines.append(_time_line(row["notebook"][:2], runs))
    commits = sorted({run.get("commit", "unknown") for per_seed in study.values() for run in per_seed.values()})
    lines += ["", f"Seed-study runs at {', '.join(f'`{c}`' for c in commits)}.", ""]
    return lines


def _met(holds: bool) -> str:
    return "met" if holds else "**MISSED**"


def _target_lines(rows: list[dict], ci: tuple[float, int] | None) -> list[str]:
    """The targets table: the whole course's time, the slowest notebook, the highest memory peak, the CI suite."""
    total = sum(row["seconds"] or 0 for row in rows)
    peak = max((row["peak_rss"] or 0) for row in rows)
    slowest = max(rows, key=lambda row: row["seconds"] or 0)
    lines = ["## Targets", "", "| target | measured | |", "|---|---|---|",
             f"| whole course in full mode ≤ {COURSE_SECONDS_TARGET // 60} min | {total / 60:.1f} min | "
             f"{_met(total <= COURSE_SECONDS_TARGET)} |",
             f"| every notebook ≤ {NOTEBOOK_SECONDS_TARGET} s | slowest {slowest['seconds']:.0f} s "
             f"({slowest['notebook'][:2]}) | {_met(slowest['seconds'] <= NOTEBOOK_SECONDS_TARGET)} |",
             f"| every notebook peaks ≤ {NOTEBOOK_RSS_TARGET / 1e9:.1f} GB RSS | highest {peak / 1e9:.2f} GB | "
             f"{_met(peak <= NOTEBOOK_RSS_TARGET)} |"]
    if ci is not None:
        seconds, code = ci
        outcome = "passed" if code == 0 else f"FAILED (exit {code})"
        lines.append(f"| CI nbval suite (fast mode, 2 workers) ≤ {CI_SECONDS_TARGET // 60} min | "
                     f"{seconds / 60:.1f} min, {outcome} | {_met(seconds <= CI_SECONDS_TARGET and code == 0)} |")
    return lines


def _notebook_line(row: dict) -> str:
    """One notebook's row: wall time (flagged over the target), peak RSS, recorded values, status."""
    values = f"error: {row['error']}" if row["error"] else "<br>".join(_value_text(v) for v in row["values"]) or "–"
    seconds = minutes(row["seconds"]) if row["seconds"] else "–"
    if row["seconds"] and row["seconds"] > NOTEBOOK_SECONDS_TARGET:
        seconds += f" (**over {NOTEBOOK_SECONDS_TARGET} s**)"
    rss = f"{row['peak_rss'] / 2**20:,.0f} MiB" if row["peak_rss"] else "–"
    return f"| {row['notebook']} | {seconds} | {rss} | {values} | {_status(row)} |"


def write_markdown(rows: list[dict], ci: tuple[float, int] | None, when: str, study: dict | None = None) -> str:
    """docs/results.md: provenance, the targets, one row per notebook, the GPU and browser runs, the seed study."""
    total = sum(row["seconds"] or 0 for row in rows)
    lines = [
        "# Course results: one full-mode run of every notebook",
        "",
        f"Generated by `make report` (tools/report.py) on {when}, {_commits_text(rows)}.",
        f"Machine: {os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}; "
        f"{_versions()}.",
        "Each notebook ran top to bottom in a fresh kernel (nbclient); peak RSS is the kernel process's resident "
        "memory, sampled every 0.1 s. Values are those the notebook recorded with `results.record`; *expected* is "
        "the range its full mode promises.",
        "",
        *_target_lines(rows, ci),
        "", "## Per notebook", "",
        "| notebook | wall time | peak RSS | recorded values | status |", "|---|---|---|---|---|",
        *map(_notebook_line, rows),
        "", f"Total: {total / 60:.1f} min of notebook execution.", "",
        "![Time and memory per notebook](results.png)", "",
    ]
    return "\n".join(lines + gpu_lines() + browser_lines() + seed_study_lines(rows, study or {}))


GPU_RUN = DOCS / "gpu_run.md"  # the table `make test-gpu` prints, saved here after a run on a GPU machine


def gpu_lines() -> list[str]:
    """The GPU section: the saved `make test-gpu` table, or a plain statement that none has run."""
    if GPU_RUN.is_file():
        return ["## GPU", "", GPU_RUN.read_text(encoding="utf-8").strip(), ""]
    return ["## GPU", "", "Not run yet: no GPU machine has run the course, so the GPU path is untested (the README "
            "says so). `make test-gpu` (tools/gpu_check.py) runs every notebook in fast mode on a GPU, with the op "
            "determinism learners get, and prints a row per notebook; save its table as docs/gpu_run.md and it "
            "appears here.", ""]


BROWSER_RUN = DOCS / "browser_run.md"  # a measured full-mode run in chromium (JupyterLite), written by hand


def browser_lines() -> list[str]:
    """The browser section: the saved full-mode JupyterLite measurement, or a plain statement that none was made."""
    if BROWSER_RUN.is_file():
        return ["## In the browser (JupyterLite)", "", BROWSER_RUN.read_text(encoding="utf-8").strip(), ""]
    return ["## In the browser (JupyterLite)", "", "Not measured yet: `COURSE_LITE_FULL=1 make test-browser` runs the "
            "notebooks that train in full mode in chromium; save what it prints as docs/browser_run.md.", ""]


def write_plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [row["notebook"][:2] for row in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.bar(names, [(row["seconds"] or 0) for row in rows], color="tab:blue")
    left.axhline(NOTEBOOK_SECONDS_TARGET, color="red", linestyle="--",
                 label=f"{NOTEBOOK_SECONDS_TARGET} s per notebook")
    left.legend()
    left.set_ylabel("wall time (s)")
    left.set_title(f"time per notebook (course target {COURSE_SECONDS_TARGET // 60} min in total)")
    right.bar(names, [(row["peak_rss"] or 0) / 2**20 for row in rows], color="tab:orange")
    right.axhline(NOTEBOOK_RSS_TARGET / 2**20, color="red", linestyle="--", label="1.5 GB target")
    right.set_ylabel("peak kernel RSS (MiB)")
    right.set_title("memory per notebook")
    right.legend()
    for ax, target in ((left, NOTEBOOK_SECONDS_TARGET), (right, NOTEBOOK_RSS_TARGET / 2**20)):
        ax.set_ylim(0, 1.15 * max(target, ax.get_ylim()[1]))  # room for the target line above the legend's reach
        ax.set_xlabel("notebook")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ci", action="store_true", help="do not time the fast-mode nbval suite")
    parser.add_argument("--only", nargs="+", metavar="NN", help="run only these notebooks (e.g. 03 04)")
    parser.add_argument("--seeds", nargs="+", type=int, metavar="N", help="seed study: run with COURSE_SEED=N")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        notebooks = [nb for nb in notebooks if nb.name[:2] in args.only]
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    DOCS.mkdir(exist_ok=True)
    previous = _read_json(DOCS / "results.json")
    study = _read_json(DOCS / "seed_study.json")
    failed: list[str] = []
    if args.seeds:
        for seed in args.seeds:
            for row in run_course(notebooks, seed=seed):
                study.setdefault(row["notebook"], {})[str(seed)] = row
                failed += [f"{row['notebook']} (seed {seed})"] if _status(row) != "pass" else []
                (DOCS / "seed_study.json").write_text(json.dumps(study, indent=1, sort_keys=True), encoding="utf-8")
        rows, ci = previous.get("notebooks", []), None
        if previous.get("ci_seconds") is not None:
            ci = (previous["ci_seconds"], previous["ci_exit_code"])
        when = previous.get("generated", when)
    else:
        ran = {row["notebook"]: row for row in run_course(notebooks)}
        kept = [row for row in previous.get("notebooks", []) if row["notebook"] not in ran] if args.only else []
        rows = sorted(kept + list(ran.values()), key=lambda row: row["notebook"])
        failed = [name for name, row in ran.items() if _status(row) != "pass"]
        ci = None if args.skip_ci else time_ci_suite()
        if ci is None and args.only and previous.get("ci_seconds") is not None:
            ci = (previous["ci_seconds"], previous["ci_exit_code"])
        (DOCS / "results.json").write_text(json.dumps({"generated": when, "notebooks": rows, "ci_seconds": ci and ci[0],
                                                       "ci_exit_code": ci and ci[1]}, indent=1), encoding="utf-8")
        write_plot(rows, DOCS / "results.png")
        regenerate(check=False)  # the README's course map, with the times just measured
    (DOCS / "results.md").write_text(write_markdown(rows, ci, when, study), encoding="utf-8")
    print((DOCS / "results.md").read_text(encoding="utf-8"))
    sys.exit(1 if failed or (ci is not None and ci[1] != 0) else 0)


if __name__ == "__main__":
    main()
