"""Build the JupyterLite site: notebooks 07, 08 and 11 run in the browser, with nothing to install (`make lite`).

    .venv-lite/bin/python -m tools.build_lite [--output _site] [--pyodide-dir ../shared/pyodide]

What goes in:
- the notebooks that need nothing beyond NumPy, SciPy and matplotlib (07, 08, 11), with their stored outputs; their
  Colab and Binder badges become plain links, so that the page loads nothing from outside the site;
- ``course_utils`` as a folder next to the notebooks, which the setup cell imports with nothing to install, and
  ``comm`` as a wheel, a kernel dependency Pyodide lacks;
- ``data/ascent.dat``, ``data/face.dat`` and ``data/mnist/`` (the four IDX files), verified by SHA-256 and copied
  at build time from ``COURSE_DATA_DIR`` or the usual cache (downloaded there when missing). They are never committed;
  in the browser ``course_utils.data`` checks them again before use. ``data/verified.json`` holds the
  values the stored full-mode runs recorded, which cells that need TensorFlow show in the browser instead;
- Pyodide: with ``--pyodide-dir`` (or ``PYODIDE_DIR``) the site carries its own copy and works offline (CI);
  without it, the kernel loads Pyodide 0.27.7 from its public location, as a real deployment does.

Every build starts from a fresh temporary folder (a stale ``.jupyterlite.doit.db`` can drop the local Pyodide URL).
The output folder is replaced only if an earlier build made it (it holds ``.course-lite-site``); anything else at
that path is left alone and the build stops.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
from course_utils import data, results  # noqa: E402  (NumPy only: no TensorFlow needed to build)
from tools.links import LITE_NOTEBOOKS, badges_to_links, map_markdown  # noqa: E402

PYODIDE_VERSION = "0.27.7"
PUBLIC_PYODIDE = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/pyodide.js"
COMM = "comm==0.2.3"
MARKER = ".course-lite-site"
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"


class BuildError(RuntimeError):
    """The site cannot be built as asked; the message says why and what to do."""


def verified_data_file(name: str) -> Path:
    """Path of ``name``.dat (ascent or face) after its SHA-256 was checked; downloads it into the cache if needed."""
    reader = {"ascent": data.read_ascent_file, "face": data.read_face_file}[name]
    mirror = data.mirror_dir()
    path = (mirror if mirror is not None else data.scipy_cache_dir()) / f"{name}.dat"
    if not path.is_file():
        {"ascent": data.load_ascent, "face": data.load_face}[name]()  # fetches it into the cache, or says why not
    reader(path)  # raises a clear DataFileError on a checksum mismatch
    return path


def write_mnist(into: Path) -> None:
    """MNIST's four IDX files (gzip) in ``into``, from data that passed its SHA-256 check: the mirror's files when
    ``COURSE_DATA_DIR`` has them, else written from ``data.load_mnist()`` (Keras's cache, downloaded if missing)."""
    into.mkdir(parents=True, exist_ok=True)
    mirror = data.mirror_dir()
    sources = [mirror / "mnist" / f"{stem}.gz" for stem in data.IDX_STEMS] if mirror is not None else []
    if sources and all(path.is_file() for path in sources):
        for path in sources:
            data.read_idx_gz(path, f"mnist/{path.name[:-3]}")  # a clear DataFileError on a checksum mismatch
            shutil.copy2(path, into / path.name)
        return
    (x_train, y_train), (x_test, y_test) = data.load_mnist()  # verified against the published SHA-256
    for stem, array in zip(data.IDX_STEMS, (x_train, y_train, x_test, y_test), strict=True):
        magic = 2051 if array.ndim == 3 else 2049
        header = struct.pack(">II", magic, len(array)) + b"".join(struct.pack(">I", n) for n in array.shape[1:])
        path = into / f"{stem}.gz"
        with gzip.open(path, "wb") as file:
            file.write(header + array.astype(np.uint8).tobytes())
        data.read_idx_gz(path, f"mnist/{stem}")  # the file written is the published one, byte for byte


def for_the_browser(notebook: dict) -> dict:
    """The notebook as the site serves it: badges become plain links (no image from outside the site), and the
    link to the site itself goes."""
    return map_markdown(notebook, lambda text: "\n".join(
        line for line in badges_to_links(text).split("\n") if "Run it in your browser" not in line))


def verified_values(notebooks: list[Path]) -> dict[str, dict]:
    """Every value the stored full-mode runs of ``notebooks`` recorded (tests/ check them): name -> payload."""
    return {value["name"]: {"value": value["value"], "expected": value.get("expected"), "notebook": path.name}
            for path in notebooks for value in results.read_recorded(nbformat.read(path, as_version=4))}


def lite_config(pyodide_url: str | None) -> dict:
    """The site's jupyter-lite.json: no PyPI fallback, NumPy/SciPy/matplotlib preloaded, Pyodide's location."""
    kernel = {"disablePyPIFallback": True, "loadPyodideOptions": {"packages": ["numpy", "scipy", "matplotlib"]}}
    if pyodide_url:
        kernel["pyodideUrl"] = pyodide_url
    return {"jupyter-lite-schema-version": 0,
            "jupyter-config-data": {"appName": "CNNs, hands-on: in your browser",
                                    "exposeAppInBrowser": True,  # window.jupyterapp, for tests/test_browser.py
                                    "litePluginSettings": {KERNEL_SETTINGS: kernel}}}


def _wheels(into: Path) -> list[Path]:
    """``comm``, which the kernel needs and Pyodide lacks (course_utils travels as a folder: stage_course_utils)."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "download", "--no-deps", "--only-binary", ":all:", "--dest", str(into), COMM], check=True)
    return sorted(into.glob("*.whl"))


def stage_course_utils(contents: Path) -> Path:
    """Copy the course_utils sources next to the notebooks: the kernel imports them from the notebook's folder."""
    return Path(shutil.copytree(ROOT / "course_utils", contents / "course_utils",
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc")))


def _stage_contents(contents: Path) -> Path:
    """The site's files: the browser notebooks, course_utils, ascent, face, MNIST, what their tested runs recorded."""
    (contents / "data").mkdir(parents=True)
    stage_course_utils(contents)
    for name in LITE_NOTEBOOKS:
        notebook = for_the_browser(json.loads((ROOT / "notebooks" / name).read_text()))
        (contents / name).write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
    for name in ("ascent", "face"):
        shutil.copy2(verified_data_file(name), contents / "data" / f"{name}.dat")
    write_mnist(contents / "data" / "mnist")
    verified = verified_values([ROOT / "notebooks" / name for name in LITE_NOTEBOOKS])
    (contents / "data" / results.VERIFIED_FILE).write_text(json.dumps(verified, indent=1))
    return contents


def build(output: Path, pyodide_dir: Path | None) -> Path:
    """Build the site into ``output``; return it."""
    output = output.resolve()
    if output.exists() and not (output / MARKER).is_file():
        raise BuildError(f"{output} exists and was not made by this build (no {MARKER} in it); it is left as it "
                         "is. Choose another --output, or move that folder away")
    if pyodide_dir is not None and not (pyodide_dir / "pyodide.js").is_file():
        raise BuildError(f"--pyodide-dir {pyodide_dir} has no pyodide.js: point it at an unpacked Pyodide "
                         f"{PYODIDE_VERSION} distribution (../shared/pyodide here)")
    with tempfile.TemporaryDirectory(prefix="course-lite-") as temp:
        work = Path(temp)
        lite_dir, contents = work / "lite", _stage_contents(work / "contents")
        lite_dir.mkdir()
        if pyodide_dir is not None:
            shutil.copytree(pyodide_dir, lite_dir / "static" / "pyodide")
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(lite_config(None if pyodide_dir else PUBLIC_PYODIDE),
                                                               indent=2))
        wheels = _wheels(work / "wheels")
        staged = work / "site"
        command = [str(Path(sys.executable).parent / "jupyter"), "lite", "build", "--lite-dir", str(lite_dir),
                   "--contents", str(contents), "--no-sourcemaps", "--output-dir", str(staged)]
        for wheel in wheels:
            command += ["--piplite-wheels", str(wheel.resolve())]  # absolute: relative paths are silently lost
        subprocess.run(command, check=True, cwd=work)
        settings = json.loads((staged / "jupyter-lite.json").read_text())["jupyter-config-data"]
        url = settings["litePluginSettings"][KERNEL_SETTINGS].get("pyodideUrl", "")
        expected = "./static/pyodide/pyodide.js" if pyodide_dir is not None else PUBLIC_PYODIDE
        if url != expected:
            raise BuildError(f"the built site loads Pyodide from {url!r}, expected {expected!r}")
        (staged / MARKER).write_text("built by tools/build_lite.py; `make lite` replaces this folder\n")
        if output.exists():
            shutil.rmtree(output)  # our own earlier build (it has the marker), never anything else
        shutil.copytree(staged, output)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "_site")
    parser.add_argument("--pyodide-dir", type=Path, default=os.environ.get("PYODIDE_DIR") or None,
                        help="a local Pyodide distribution, for a site that works offline")
    args = parser.parse_args()
    pyodide_dir = Path(args.pyodide_dir).resolve() if args.pyodide_dir else None
    try:
        site = build(args.output, pyodide_dir)
    except (BuildError, data.DataError) as error:
        raise SystemExit(f"build_lite: {error}") from None
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    where = f"Pyodide from {pyodide_dir}" if pyodide_dir else f"Pyodide from {PUBLIC_PYODIDE}"
    print(f"JupyterLite site in {site} ({size / 2**20:.0f} MiB; {where}); serve it with "
          f"`python -m http.server -d {site.name}` and open lab/index.html")


if __name__ == "__main__":
    main()
