"""Course datasets: Fashion-MNIST, MNIST and scipy's ``ascent`` and ``face`` images, verified before use.

Where the data comes from, in order:

1. ``$COURSE_DATA_DIR``, an offline mirror laid out as ``mnist/`` and
   ``fashion-mnist/`` (the four standard IDX ``.gz`` files each) plus ``ascent.dat`` and ``face.dat``.
2. Otherwise the usual caches, downloading through Keras / ``scipy.datasets`` when
   a file is missing (what happens on Colab and Binder).

Every array is checked against the published SHA-256 of the uncompressed data.
Nothing here ever deletes, moves or rewrites an existing file, and ``ascent.dat``
(a pickle) is only unpickled after its SHA-256 matched.

Command line: ``python -m course_utils.data download`` warms the caches (from the
mirror when ``COURSE_DATA_DIR`` is set, copying only files that are missing);
``python -m course_utils.data verify`` checks every file and exits 1 on a problem.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import os
import pickle
import shutil
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils import mode

DATA_DIR_ENV = "COURSE_DATA_DIR"

FASHION_CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

IDX_DATASETS = ("fashion-mnist", "mnist")

# File stem -> (IDX magic, number of items). Images are 28x28.
_IDX_FILES: dict[str, tuple[int, int]] = {
    "train-images-idx3-ubyte": (2051, 60_000),
    "train-labels-idx1-ubyte": (2049, 60_000),
    "t10k-images-idx3-ubyte": (2051, 10_000),
    "t10k-labels-idx1-ubyte": (2049, 10_000),
}
IDX_STEMS: tuple[str, ...] = tuple(_IDX_FILES)  # the four files of each IDX dataset, without ".gz"
_IMAGE_MAGIC, _LABEL_MAGIC = 2051, 2049
_ROWS = _COLS = 28

# SHA-256 of the *uncompressed* IDX content: the published data, as in SHA256SUMS.txt.
IDX_SHA256: dict[str, str] = {
    "mnist/t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "mnist/t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    "mnist/train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "mnist/train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "fashion-mnist/t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "fashion-mnist/t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    "fashion-mnist/train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "fashion-mnist/train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
}
# SHA-256 of scipy's ascent.dat and face.dat, the values in scipy.datasets' registry.
ASCENT_SHA256 = "03ce124c1afc880f87b55f6b061110e2e1e939679184f5614e38dacc6c1957e2"
FACE_SHA256 = "9d8b0b4d081313e2b485748c770472e5a95ed1738146883d84c7030493e82886"
FACE_SHAPE = (768, 1024, 3)

Split = tuple[np.ndarray, np.ndarray]
Splits = tuple[Split, Split]

_FIX_HINT = (
    "How to fix: set COURSE_DATA_DIR to a folder laid out like the course's offline mirror "
    "(see the README), or, while online, run `python -m course_utils.data download`."
)


class DataError(RuntimeError):
    """Base class for every data problem this module reports."""


class DataFileError(DataError):
    """A data file exists but is truncated, corrupt, or not the published data."""


class DataUnavailableError(DataError):
    """No source could provide a dataset (no mirror, and the download failed)."""


def _file_error(path: Path, problem: str, fix: str | None = None) -> DataFileError:
    """Build a DataFileError that names the file, the problem and the fix."""
    fix = fix or (
        "The file was left untouched. Replace it with a good copy (re-download it, or restore "
        "the mirror), or point COURSE_DATA_DIR at a good mirror."
    )
    return DataFileError(f"{path}: {problem}. {fix}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# IDX parsing
# ---------------------------------------------------------------------------


def parse_idx(raw: bytes, *, magic: int, count: int, source: Path) -> np.ndarray:
    """Parse uncompressed IDX bytes into a uint8 array after checking magic, shape and length."""
    header_size = 16 if magic == _IMAGE_MAGIC else 8
    if len(raw) < header_size:
        raise _file_error(source, f"truncated: {len(raw)} bytes, shorter than the {header_size}-byte IDX header")
    found_magic, found_count = struct.unpack(">II", raw[:8])
    if found_magic != magic:
        kind = "image" if magic == _IMAGE_MAGIC else "label"
        raise _file_error(
            source,
            f"wrong magic number {found_magic}; an IDX {kind} file starts with {magic}. "
            "This is not the file its name says",
        )
    if found_count != count:
        raise _file_error(source, f"header says {found_count} items; this dataset file must hold {count}")
    shape: tuple[int, ...] = (count,)
    if magic == _IMAGE_MAGIC:
        rows, cols = struct.unpack(">II", raw[8:16])
        if (rows, cols) != (_ROWS, _COLS):
            raise _file_error(source, f"images are {rows}x{cols}; expected {_ROWS}x{_COLS}")
        shape = (count, rows, cols)
    expected_len = header_size + int(np.prod(shape))
    if len(raw) != expected_len:
        state = "truncated" if len(raw) < expected_len else "too long"
        raise _file_error(source, f"{state}: {len(raw)} bytes of content, expected {expected_len}")
    # .copy() so learners get a normal writable array, as keras.datasets returns.
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def read_idx_gz(path: Path, key: str) -> np.ndarray:
    """Read and verify one gzipped IDX file; ``key`` is e.g. ``"mnist/t10k-labels-idx1-ubyte"``."""
    magic, count = _IDX_FILES[key.split("/", 1)[1]]
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        problem = f"cannot be decompressed ({type(exc).__name__}: {exc}); it is truncated or not gzip"
        raise _file_error(path, problem) from None
    array = parse_idx(raw, magic=magic, count=count, source=path)
    digest = _sha256(raw)
    if digest != IDX_SHA256[key]:
        raise _file_error(
            path,
            f"checksum mismatch: SHA-256 of the content is {digest[:12]}..., "
            f"the published {key} is {IDX_SHA256[key][:12]}...; the file is damaged or modified",
        )
    return array


def _idx_digest(array: np.ndarray, magic: int) -> str:
    """SHA-256 the IDX file for ``array`` would have: lets other formats be checked against IDX_SHA256."""
    header = struct.pack(">II", magic, len(array))
    if magic == _IMAGE_MAGIC:
        header += struct.pack(">II", *array.shape[1:])
    return _sha256(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


# ---------------------------------------------------------------------------
# Where the files are
# ---------------------------------------------------------------------------


def mirror_dir() -> Path | None:
    """Return ``$COURSE_DATA_DIR`` as a Path, or None when it is not set."""
    value = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def keras_cache_dir() -> Path:
    """Return the folder Keras downloads datasets into (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``)."""
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser()
    if not os.access(home if home.exists() else home.parent, os.W_OK):
        home = Path("/tmp/.keras")  # Keras's own fallback when its home is read-only.
    return home / "datasets"


def scipy_cache_dir() -> Path:
    """Return the folder ``scipy.datasets`` (through pooch) keeps ``ascent.dat`` in."""
    try:
        import pooch
    except ImportError:
        import platformdirs

        return Path(platformdirs.user_cache_dir("scipy-data"))
    return Path(pooch.os_cache("scipy-data"))


def _idx_paths(folder: Path, dataset: str) -> dict[str, Path]:
    return {f"{dataset}/{stem}": folder / f"{stem}.gz" for stem in _IDX_FILES}


@dataclass(frozen=True)
class FileStatus:
    """One row of ``verify``: which file, where, and whether it is good."""

    dataset: str
    path: Path
    ok: bool
    detail: str


# ---------------------------------------------------------------------------
# Downloads (the only functions that touch the network; tests replace them)
# ---------------------------------------------------------------------------


def _download_with_keras(dataset: str) -> None:
    """Let Keras download ``dataset`` into its cache (only called when the cache file is missing)."""
    import keras

    loader = {"mnist": keras.datasets.mnist, "fashion-mnist": keras.datasets.fashion_mnist}[dataset]
    loader.load_data()


def _download_with_scipy(name: str = "ascent") -> None:
    """Let ``scipy.datasets`` (pooch) download ``ascent.dat`` or ``face.dat`` into its cache."""
    import scipy.datasets

    getattr(scipy.datasets, name)()


# ---------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------


def _splits_from_idx(paths: dict[str, Path], dataset: str) -> Splits:
    arrays = {key.split("/", 1)[1]: read_idx_gz(path, key) for key, path in paths.items()}
    return (
        (arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]),
        (arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]),
    )


def _splits_from_mnist_npz(path: Path) -> Splits:
    """Load Keras's mnist.npz without pickle and verify its arrays against the published IDX data."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, ValueError, KeyError, EOFError, zlib.error) as exc:
        raise _file_error(path, f"is not a readable mnist.npz ({type(exc).__name__}: {exc})") from None
    checks = {
        "x_train": ("mnist/train-images-idx3-ubyte", _IMAGE_MAGIC),
        "y_train": ("mnist/train-labels-idx1-ubyte", _LABEL_MAGIC),
        "x_test": ("mnist/t10k-images-idx3-ubyte", _IMAGE_MAGIC),
        "y_test": ("mnist/t10k-labels-idx1-ubyte", _LABEL_MAGIC),
    }
    for name, (key, magic) in checks.items():
        array = arrays[name]
        if array.dtype != np.uint8 or _idx_digest(array, magic) != IDX_SHA256[key]:
            raise _file_error(path, f"array {name!r} does not match the published MNIST data ({key})")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _load_from_keras_cache(dataset: str) -> Splits | None:
    """Load ``dataset`` from Keras's cache if its files are there; None when they are not."""
    cache = keras_cache_dir()
    if dataset == "mnist" and (cache / "mnist.npz").is_file():
        return _splits_from_mnist_npz(cache / "mnist.npz")
    # Fashion-MNIST's own Keras layout; for MNIST, the IDX copies `download` makes from a mirror.
    paths = _idx_paths(cache / dataset, dataset)
    if all(p.is_file() for p in paths.values()):
        return _splits_from_idx(paths, dataset)
    return None


def _mirror_problem(mirror: Path, wanted: list[Path]) -> str | None:
    """Explain why the mirror cannot serve ``wanted``; None when all files are there."""
    if not mirror.is_dir():
        note = "" if mirror.is_absolute() else f" (relative to {Path.cwd()}; use an absolute path)"
        return f"{DATA_DIR_ENV}={mirror}: no such folder{note}"
    missing = [str(p) for p in wanted if not p.is_file()]
    if missing:
        return f"{DATA_DIR_ENV}={mirror}: missing {', '.join(missing)}"
    return None


def _unavailable(dataset: str, attempts: list[str]) -> DataUnavailableError:
    tried = "\n".join(f"  - {a}" for a in attempts)
    return DataUnavailableError(f"Could not load {dataset}. Tried:\n{tried}\n{_FIX_HINT}")


def _load_idx_dataset(dataset: str) -> Splits:
    attempts: list[str] = []
    mirror = mirror_dir()
    if mirror is not None:
        paths = _idx_paths(mirror / dataset, dataset)
        problem = _mirror_problem(mirror, list(paths.values()))
        if problem is None:
            return _splits_from_idx(paths, dataset)
        attempts.append(problem)
    else:
        attempts.append(f"{DATA_DIR_ENV} is not set (no offline mirror)")

    cached = _load_from_keras_cache(dataset)  # A bad cached file raises: we never re-download over it.
    if cached is not None:
        return cached
    try:
        _download_with_keras(dataset)
    except Exception as exc:  # noqa: BLE001 - any download failure becomes one clear message
        attempts.append(f"download through keras.datasets into {keras_cache_dir()}: {type(exc).__name__}: {exc}")
        raise _unavailable(dataset, attempts) from None
    cached = _load_from_keras_cache(dataset)
    if cached is None:
        attempts.append(f"download through keras.datasets finished but left no files in {keras_cache_dir()}")
        raise _unavailable(dataset, attempts)
    return cached


def _fast_subset(splits: Splits, fast: tuple[int | None, int | None] | None) -> Splits:
    """In fast mode keep the first ``fast[0]`` training and ``fast[1]`` test images (``None``: all of them)."""
    if fast is None:
        return splits
    if not (isinstance(fast, tuple) and len(fast) == 2):
        raise TypeError(f"fast must be a pair (training images, test images), e.g. fast=(6000, 2000); got {fast!r}")
    return tuple(split if size is None else mode.subset(*split, fast=size)  # type: ignore[return-value]
                 for split, size in zip(splits, fast, strict=True))


def load_fashion_mnist(fast: tuple[int | None, int | None] | None = None) -> Splits:
    """Return Fashion-MNIST as ``((x_train, y_train), (x_test, y_test))`` uint8 arrays, like Keras (``fast``: sizes)."""
    return _fast_subset(_load_idx_dataset("fashion-mnist"), fast)


def load_mnist(fast: tuple[int | None, int | None] | None = None) -> Splits:
    """Return MNIST as ``((x_train, y_train), (x_test, y_test))`` uint8 arrays, like Keras (``fast``: sizes)."""
    return _fast_subset(_load_idx_dataset("mnist"), fast)


def read_ascent_file(path: Path) -> np.ndarray:
    """Verify ``ascent.dat``'s SHA-256, only then unpickle it, and return the 512x512 uint8 image."""
    raw = path.read_bytes()
    digest = _sha256(raw)
    if digest != ASCENT_SHA256:
        raise _file_error(
            path,
            f"checksum mismatch: SHA-256 {digest[:12]}..., scipy's registry says {ASCENT_SHA256[:12]}...; "
            "it was NOT unpickled",
        )
    image = np.asarray(pickle.loads(raw))  # Safe: these are exactly the published bytes.
    return image.astype(np.uint8, copy=False)


def read_face_file(path: Path) -> np.ndarray:
    """Verify ``face.dat``'s SHA-256, then decompress it (bz2, raw bytes) into the 768x1024x3 uint8 colour image."""
    raw = path.read_bytes()
    digest = _sha256(raw)
    if digest != FACE_SHA256:
        raise _file_error(path, f"checksum mismatch: SHA-256 {digest[:12]}..., scipy's registry says "
                                f"{FACE_SHA256[:12]}...; it was not read")
    return np.frombuffer(bz2.decompress(raw), dtype=np.uint8).reshape(FACE_SHAPE).copy()


def _load_scipy_image(name: str, reader: Callable[[Path], np.ndarray]) -> np.ndarray:
    """Read ``name``.dat from the mirror, else from scipy's cache, downloading it there when missing."""
    attempts: list[str] = []
    mirror = mirror_dir()
    if mirror is not None:
        path = mirror / f"{name}.dat"
        problem = _mirror_problem(mirror, [path])
        if problem is None:
            return reader(path)
        attempts.append(problem)
    else:
        attempts.append(f"{DATA_DIR_ENV} is not set (no offline mirror)")

    cached = scipy_cache_dir() / f"{name}.dat"
    if not cached.is_file():
        try:
            _download_with_scipy(name)
        except Exception as exc:  # noqa: BLE001 - any download failure becomes one clear message
            attempts.append(f"download through scipy.datasets into {cached.parent}: {type(exc).__name__}: {exc}")
            raise _unavailable(name, attempts) from None
        if not cached.is_file():
            attempts.append(f"scipy.datasets finished but {cached} is not there")
            raise _unavailable(name, attempts)
    return reader(cached)


def load_ascent() -> np.ndarray:
    """Return the 512x512 uint8 ``ascent`` image, the same array as ``scipy.datasets.ascent()``."""
    return _load_scipy_image("ascent", read_ascent_file)


def load_face() -> np.ndarray:
    """Return the 768x1024x3 uint8 RGB ``face`` photo, the same array as ``scipy.datasets.face()``."""
    return _load_scipy_image("face", read_face_file)


# ---------------------------------------------------------------------------
# Reporting and the command line
# ---------------------------------------------------------------------------


def describe_source() -> str:
    """One line saying where the data comes from, for the environment report."""
    mirror = mirror_dir()
    if mirror is not None:
        state = "" if mirror.is_dir() else " (MISSING: this folder does not exist)"
        return f"offline mirror {DATA_DIR_ENV}={mirror}{state}"
    return f"download and cache: Keras in {keras_cache_dir()}, scipy in {scipy_cache_dir()}"


def _check(dataset: str, path: Path, reader: Callable[[], object]) -> FileStatus:
    if not path.is_file():
        return FileStatus(dataset, path, False, "MISSING")
    try:
        reader()
    except DataError as exc:
        return FileStatus(dataset, path, False, f"BAD: {exc}".replace(f"{path}: ", ""))
    return FileStatus(dataset, path, True, "OK")


def verify_all() -> list[FileStatus]:
    """Check every file that the loaders would read, without downloading anything."""
    rows: list[FileStatus] = []
    mirror = mirror_dir()
    for dataset in IDX_DATASETS:
        if mirror is not None:
            folder = mirror / dataset
        elif dataset == "mnist" and (
            (keras_cache_dir() / "mnist.npz").is_file() or not (keras_cache_dir() / "mnist").is_dir()
        ):
            # Keras's own file, which the loader prefers (or, when nothing is there, what a download creates).
            npz = keras_cache_dir() / "mnist.npz"
            rows.append(_check(dataset, npz, lambda npz=npz: _splits_from_mnist_npz(npz)))
            continue
        else:
            folder = keras_cache_dir() / dataset
        for key, path in _idx_paths(folder, dataset).items():
            rows.append(_check(dataset, path, lambda path=path, key=key: read_idx_gz(path, key)))
    for name, reader in (("ascent", read_ascent_file), ("face", read_face_file)):
        path = (mirror if mirror is not None else scipy_cache_dir()) / f"{name}.dat"
        rows.append(_check(name, path, lambda path=path, reader=reader: reader(path)))
    return rows


def _copy_if_missing(source: Path, target: Path) -> str:
    """Copy one verified file into a cache, atomically; an existing target is left exactly as it is."""
    if target.exists():
        return f"kept existing {target}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)  # never a half-copied file under the real name
    return f"copied to {target}"


def warm_caches_from_mirror(mirror: Path) -> list[str]:
    """Copy the mirror's files, after verifying them, into the caches the loaders use when no mirror is set."""
    notes = []
    wanted = [path for dataset in IDX_DATASETS for path in _idx_paths(mirror / dataset, dataset).values()]
    problem = _mirror_problem(mirror, [*wanted, mirror / "ascent.dat", mirror / "face.dat"])
    if problem is not None:
        raise DataUnavailableError(f"Cannot warm the caches: {problem}\n{_FIX_HINT}")
    for dataset in IDX_DATASETS:
        _splits_from_idx(_idx_paths(mirror / dataset, dataset), dataset)  # verify all before copying any
    for dataset in IDX_DATASETS:
        paths = _idx_paths(mirror / dataset, dataset)
        for path in paths.values():
            notes.append(_copy_if_missing(path, keras_cache_dir() / dataset / path.name))
    read_ascent_file(mirror / "ascent.dat")
    read_face_file(mirror / "face.dat")
    for name in ("ascent", "face"):
        notes.append(_copy_if_missing(mirror / f"{name}.dat", scipy_cache_dir() / f"{name}.dat"))
    return notes


def _print_table(rows: list[FileStatus]) -> None:
    width = max(len(str(r.path)) for r in rows)
    print(f"{'dataset':<14} {'file':<{width}}  status")
    for row in rows:
        print(f"{row.dataset:<14} {str(row.path):<{width}}  {row.detail}")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``download`` warms the caches, ``verify`` checks every file."""
    args = sys.argv[1:] if argv is None else argv
    if args not in (["download"], ["verify"]):
        print("usage: python -m course_utils.data {download|verify}", file=sys.stderr)
        return 2
    print(f"data source: {describe_source()}")
    if args == ["verify"]:
        rows = verify_all()
        _print_table(rows)
        bad = [r for r in rows if not r.ok]
        print(f"{len(rows) - len(bad)} of {len(rows)} files OK")
        return 1 if bad else 0
    failures = 0
    for label, loader in (("fashion-mnist", load_fashion_mnist), ("mnist", load_mnist), ("ascent", load_ascent),
                           ("face", load_face)):
        try:
            loader()
        except DataError as exc:
            failures += 1
            print(f"{label}: FAILED\n{exc}", file=sys.stderr)
        else:
            print(f"{label}: ready")
    mirror = mirror_dir()
    if mirror is not None and not failures:
        # Offline image builds (Binder simulation, classrooms): the mirror stands in for the network.
        for note in warm_caches_from_mirror(mirror):
            print(note)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
