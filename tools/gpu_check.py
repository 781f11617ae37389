"""Run every notebook in fast mode on this machine's GPU, as a learner's Colab GPU runtime would, and report each.

    python -m tools.gpu_check                 # or: make test-gpu
    python -m tools.gpu_check --allow-cpu     # the same run without a GPU (to try the script itself)

Each notebook runs top to bottom in a fresh kernel (tools/run_notebook.py), outputs not stored, with
``COURSE_FAST=1`` and ``COURSE_STRICT=1``, and with the op determinism that ``env.setup`` turns on for learners
(``tf.config.experimental.enable_op_determinism``): an op with no deterministic GPU kernel fails here as it would
for them. Prints one row per notebook (time, peak kernel RSS, pass or the error's last line) and exits 1 if any
failed. Paste its table into docs/results.md under "GPU".
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from tools.run_notebook import run  # noqa: E402


def gpu_names() -> list[str]:
    """The GPUs TensorFlow sees in a child process (this one never imports TensorFlow)."""
    import subprocess

    code = "import tensorflow as tf; print('\\n'.join(d.name for d in tf.config.list_physical_devices('GPU')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ).stdout
    return [line for line in out.splitlines() if line.strip()]


def last_line(error: BaseException) -> str:
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    return (lines[-1] if lines else type(error).__name__)[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-cpu", action="store_true", help="run even when TensorFlow sees no GPU")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    args = parser.parse_args()
    os.environ.update(COURSE_FAST="1", COURSE_STRICT="1")
    os.environ.pop("MPLBACKEND", None)
    if os.environ.get("COURSE_DATA_DIR"):  # notebooks run in notebooks/: a relative mirror path must be absolute
        os.environ["COURSE_DATA_DIR"] = str(Path(os.environ["COURSE_DATA_DIR"]).resolve())
    gpus = gpu_names()
    if not gpus and not args.allow_cpu:
        sys.exit("TensorFlow sees no GPU here (tf.config.list_physical_devices('GPU') is empty): run this on a GPU "
                 "machine, or pass --allow-cpu to try the script on the CPU.")
    print(f"GPU: {', '.join(gpus) or 'none (CPU, --allow-cpu)'}; {platform.platform()}, Python "
          f"{platform.python_version()}", flush=True)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    print("| notebook | time | peak RSS | result |\n|---|---|---|---|", flush=True)
    failed = 0
    for path in notebooks:
        try:
            seconds, peak = run(path, write=False, timeout=600)
            row = f"{seconds:.0f} s | {peak / 2**20:,.0f} MiB | pass"
        except Exception as error:  # noqa: BLE001 (report every notebook, then fail)
            failed += 1
            row = f"– | – | FAILED: {last_line(error)}"
        print(f"| {path.stem} | {row} |", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
