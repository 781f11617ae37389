"""Execute a notebook top to bottom in a fresh kernel, store its outputs, and report wall time and peak RSS.

    python -m tools.run_notebook notebooks/02_first_cnn.ipynb [--no-write]

The kernel's resident memory (RSS, including its child processes) is sampled every 0.1 s while it runs. Used by
`make execute`, which runs it in full mode.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient


def _rss(pid: int) -> int:
    try:
        process = psutil.Process(pid)
        return process.memory_info().rss + sum(child.memory_info().rss for child in process.children(recursive=True))
    except psutil.Error:
        return 0


def run(path: Path, write: bool = True, timeout: int = 900, return_notebook: bool = False,
        notebook: nbformat.NotebookNode | None = None) -> tuple:
    """Execute ``path`` (or ``notebook`` as if it were ``path``) in its folder; return (seconds, peak RSS[, nb])."""
    notebook = nbformat.read(path, as_version=4) if notebook is None else notebook
    os.environ["COURSE_STRICT"] = "1"  # make execute, report and seed-study: a failed check stops the run
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=not write,  # timings help a dry run; stored notebooks stay free of them
        resources={"metadata": {"path": str(path.parent)}},
    )
    sampler = _PeakSampler(client)
    start = time.perf_counter()
    try:
        with sampler:
            client.execute()
    except Exception:
        failed = Path(tempfile.gettempdir()) / f"{path.stem}.failed.ipynb"
        nbformat.write(notebook, failed)  # the outputs up to the failing cell, for debugging
        print(f"{path.name} failed; partial outputs in {failed}", flush=True)
        raise
    seconds = time.perf_counter() - start
    if write:
        nbformat.write(notebook, path)
    return (seconds, sampler.peak, notebook) if return_notebook else (seconds, sampler.peak)


class _PeakSampler:
    """While in its ``with`` block, sample the kernel process's RSS every 0.1 s; ``peak`` keeps the highest."""

    def __init__(self, client: NotebookClient) -> None:
        self.client, self.peak = client, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            manager = self.client.km
            pid = getattr(getattr(manager, "provisioner", None), "pid", None) if manager else None
            if pid:
                self.peak = max(self.peak, _rss(pid))
            time.sleep(0.1)

    def __enter__(self) -> _PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--no-write", action="store_true", help="do not store the outputs")
    args = parser.parse_args()
    os.environ.pop("MPLBACKEND", None)  # the kernel must use the inline backend, or no figure is stored
    for path in args.notebooks:
        seconds, peak = run(path, write=not args.no_write)
        print(f"{path.name}: {seconds:.0f} s wall, peak kernel RSS {peak / 2**20:,.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
