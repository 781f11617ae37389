"""course_utils.data: every source (mirror, cache, download, offline) and every bad-file case."""

from __future__ import annotations

import functools
import gzip
import pickle
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
from helpers import snapshot

from course_utils import data

# ---------------------------------------------------------------------------
# The real data, from the mirror
# ---------------------------------------------------------------------------


def test_fashion_mnist_from_mirror_matches_published_statistics(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    # Published statistics of the scaled pixels (mirror README).
    assert abs(x_train.mean() / 255 - 0.2860406) < 1e-6
    assert abs(x_test.mean() / 255 - 0.2868493) < 1e-6
    x_train[0, 0, 0] = 1  # writable, like keras.datasets
    assert len(data.FASHION_CLASS_NAMES) == 10 and data.FASHION_CLASS_NAMES[9] == "Ankle boot"


@pytest.mark.parametrize("fast", ["1", ""])
def test_fast_sizes_keep_the_first_images_in_fast_mode_only(mirror, monkeypatch, fast):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_FAST", fast)
    (x_train, y_train), (x_test, y_test) = data.load_mnist(fast=(300, None))
    full_train = data.load_mnist()[0][1]
    assert len(x_test) == len(y_test) == 10_000, "None keeps every image"
    if fast:
        assert x_train.shape == (300, 28, 28) and np.array_equal(y_train, full_train[:300])
    else:
        assert len(x_train) == len(y_train) == 60_000
    with pytest.raises(TypeError, match=r"fast must be a pair .* got 300"):
        data.load_mnist(fast=300)


def test_mnist_from_mirror_matches_published_statistics(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60_000, 28, 28) and y_test.shape == (10_000,)
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9] and y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(x_train.mean() - 33.318421) < 1e-5


def test_ascent_from_mirror_is_scipys_image(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    image = data.load_ascent()
    assert image.shape == (512, 512) and image.dtype == np.uint8 and image.max() == 255
    import scipy.datasets._registry as registry

    assert registry.registry["ascent.dat"] == data.ASCENT_SHA256


def test_face_from_mirror_is_scipys_colour_photo(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    image = data.load_face()
    assert image.shape == (768, 1024, 3) and image.dtype == np.uint8 and abs(image.mean() - 110.16) < 0.01
    import scipy.datasets._registry as registry

    assert registry.registry["face.dat"] == data.FACE_SHA256


def test_face_with_wrong_checksum_is_reported_and_left_alone(mirror_copy, monkeypatch):
    bad = mirror_copy / "face.dat"
    bad.write_bytes(b"BZh9 not the photo")
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror_copy))
    before = snapshot(mirror_copy)
    with pytest.raises(data.DataFileError, match="checksum mismatch") as caught:
        data.load_face()
    assert str(bad) in str(caught.value) and snapshot(mirror_copy) == before


def test_relative_mirror_path_error_says_use_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_DATA_DIR", "../no-such-mirror")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(data, "_download_with_keras", lambda _name: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(data.DataUnavailableError, match="use an absolute path"):
        data.load_mnist()


# ---------------------------------------------------------------------------
# Caches and downloads (Colab, Binder): the network is simulated
# ---------------------------------------------------------------------------


def _fill_keras_cache(mirror: Path, keras_home: Path, dataset: str) -> None:
    """Put what a Keras download would leave in its cache, built from the mirror."""
    cache = keras_home / "datasets"
    if dataset == "fashion-mnist":
        shutil.copytree(mirror / "fashion-mnist", cache / "fashion-mnist")
        return
    paths = {key: mirror / f"{key}.gz" for key in data.IDX_SHA256 if key.startswith("mnist/")}
    arrays = {key: data.read_idx_gz(path, key) for key, path in paths.items()}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        cache / "mnist.npz",
        x_train=arrays["mnist/train-images-idx3-ubyte"],
        y_train=arrays["mnist/train-labels-idx1-ubyte"],
        x_test=arrays["mnist/t10k-images-idx3-ubyte"],
        y_test=arrays["mnist/t10k-labels-idx1-ubyte"],
    )


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_filled_keras_cache_is_used_without_downloading(mirror, isolated_caches, dataset):
    _fill_keras_cache(mirror, isolated_caches / "keras", dataset)
    loader = data.load_mnist if dataset == "mnist" else data.load_fashion_mnist
    (x_train, y_train), (x_test, y_test) = loader()  # the fixture's download would raise
    assert x_train.shape == (60_000, 28, 28) and y_test.shape == (10_000,)


def test_missing_cache_is_downloaded_through_keras(mirror, isolated_caches, monkeypatch):
    calls = []

    def fake_download(dataset):
        calls.append(dataset)
        _fill_keras_cache(mirror, isolated_caches / "keras", dataset)

    monkeypatch.setattr(data, "_download_with_keras", fake_download)
    (x_train, _), _ = data.load_mnist()
    assert calls == ["mnist"] and x_train.shape == (60_000, 28, 28)
    data.load_mnist()
    assert calls == ["mnist"], "the second load must come from the cache"


def test_ascent_cache_and_download(mirror, isolated_caches, monkeypatch):
    cache = data.scipy_cache_dir()

    def fake_download(name="ascent"):
        cache.mkdir(parents=True)
        shutil.copy(mirror / f"{name}.dat", cache / f"{name}.dat")

    monkeypatch.setattr(data, "_download_with_scipy", fake_download)
    assert data.load_ascent().shape == (512, 512)
    assert (cache / "ascent.dat").is_file()


@pytest.mark.parametrize("loader", [data.load_mnist, data.load_fashion_mnist, data.load_ascent, data.load_face])
def test_offline_without_mirror_gives_one_clear_error(isolated_caches, loader):
    with pytest.raises(data.DataUnavailableError) as caught:
        loader()
    message = str(caught.value)
    assert "Could not load" in message
    assert "COURSE_DATA_DIR is not set" in message
    assert "Name or service not known" in message  # what the download said
    assert "python -m course_utils.data download" in message and "set COURSE_DATA_DIR" in message


def test_incomplete_mirror_falls_back_to_download_and_says_both(mirror_copy, isolated_caches, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror_copy))  # has mnist/, lacks fashion-mnist/
    with pytest.raises(data.DataUnavailableError) as caught:
        data.load_fashion_mnist()
    assert "missing" in str(caught.value) and "fashion-mnist/train-images-idx3-ubyte.gz" in str(caught.value)
    assert "keras.datasets" in str(caught.value)


# ---------------------------------------------------------------------------
# Broken files: a clear error naming the file, and every file left untouched
# ---------------------------------------------------------------------------

LABELS = "mnist/t10k-labels-idx1-ubyte"
IMAGES = "mnist/t10k-images-idx3-ubyte"


def _raw(mirror: Path, key: str) -> bytes:
    return gzip.decompress((mirror / f"{key}.gz").read_bytes())


@functools.lru_cache(maxsize=1)  # built once for the 9 cases: recompressing the images takes seconds
def _corruptions(mirror: Path) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file key, bytes to write into the .gz file, expected message fragment)."""
    labels, images = _raw(mirror, LABELS), _raw(mirror, IMAGES)
    good_gz = (mirror / f"{LABELS}.gz").read_bytes()
    flipped = bytearray(labels)
    flipped[100] = (flipped[100] + 1) % 10
    return {
        "truncated gzip": (LABELS, good_gz[: len(good_gz) // 2], "cannot be decompressed"),
        "not gzip at all": (LABELS, b"<html>404 Not Found</html>", "cannot be decompressed"),
        "empty file": (LABELS, b"", "truncated"),
        "wrong magic": (IMAGES, gzip.compress(struct.pack(">I", 2049) + images[4:]), "wrong magic number 2049"),
        "wrong count": (LABELS, gzip.compress(labels[:4] + struct.pack(">I", 9_999) + labels[8:]), "9999 items"),
        "wrong image size": (IMAGES, gzip.compress(images[:8] + struct.pack(">II", 28, 27) + images[16:]), "28x27"),
        "truncated content": (LABELS, gzip.compress(labels[:-10]), "truncated"),
        "extra content": (LABELS, gzip.compress(labels + b"\0"), "too long"),
        "wrong checksum": (LABELS, gzip.compress(bytes(flipped)), "checksum mismatch"),
    }


CORRUPTION_NAMES = [
    "truncated gzip",
    "not gzip at all",
    "empty file",
    "wrong magic",
    "wrong count",
    "wrong image size",
    "truncated content",
    "extra content",
    "wrong checksum",
]


@pytest.mark.parametrize("corruption", CORRUPTION_NAMES)
def test_broken_idx_file_is_named_and_left_untouched(mirror, mirror_copy, isolated_caches, monkeypatch, corruption):
    key, content, fragment = _corruptions(mirror)[corruption]
    broken = mirror_copy / f"{key}.gz"
    broken.write_bytes(content)
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror_copy))
    before = snapshot(mirror_copy)
    with pytest.raises(data.DataFileError) as caught:
        data.load_mnist()
    assert str(broken) in str(caught.value)
    assert fragment in str(caught.value)
    assert "left untouched" in str(caught.value)
    assert snapshot(mirror_copy) == before


def test_bad_keras_mnist_npz_is_reported_not_deleted(mirror, isolated_caches, monkeypatch):
    """Keras deletes a mismatching mnist.npz when offline; we report it and keep it."""
    _fill_keras_cache(mirror, isolated_caches / "keras", "mnist")
    npz = isolated_caches / "keras" / "datasets" / "mnist.npz"
    with np.load(npz) as f:
        arrays = dict(f)
    arrays["y_test"] = arrays["y_test"].copy()
    arrays["y_test"][0] = 3
    np.savez_compressed(npz, **arrays)
    before = snapshot(isolated_caches / "keras")
    with pytest.raises(data.DataFileError, match="y_test"):
        data.load_mnist()
    assert snapshot(isolated_caches / "keras") == before


class _Exploit:
    """Unpickling this would create a file: proof that a file was unpickled."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (Path.touch, (self.target,))


def test_pickled_object_in_mnist_npz_is_never_unpickled(isolated_caches, tmp_path):
    sentinel = tmp_path / "unpickled"
    npz = isolated_caches / "keras" / "datasets" / "mnist.npz"
    npz.parent.mkdir(parents=True)
    obj = np.empty(1, dtype=object)
    obj[0] = _Exploit(sentinel)
    np.savez(npz, x_train=obj, y_train=obj, x_test=obj, y_test=obj)
    with pytest.raises(data.DataFileError, match="not a readable mnist.npz"):
        data.load_mnist()
    assert not sentinel.exists()
    assert npz.exists()


def test_ascent_with_wrong_checksum_is_never_unpickled(mirror_copy, monkeypatch, tmp_path):
    sentinel = tmp_path / "unpickled"
    bad = mirror_copy / "ascent.dat"
    bad.write_bytes(pickle.dumps(_Exploit(sentinel)))
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror_copy))
    before = snapshot(mirror_copy)
    with pytest.raises(data.DataFileError, match="NOT unpickled") as caught:
        data.load_ascent()
    assert str(bad) in str(caught.value)
    assert not sentinel.exists()
    assert snapshot(mirror_copy) == before


def test_bad_ascent_in_scipy_cache_is_reported_not_replaced(mirror, isolated_caches):
    cache = data.scipy_cache_dir()
    cache.mkdir(parents=True)
    (cache / "ascent.dat").write_bytes((mirror / "ascent.dat").read_bytes()[:1000])
    before = snapshot(cache)
    with pytest.raises(data.DataFileError, match="checksum mismatch"):
        data.load_ascent()
    assert snapshot(cache) == before


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def test_verify_cli_passes_on_the_mirror(mirror, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    assert data.main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "10 of 10 files OK" in out and "fashion-mnist" in out and "ascent.dat" in out


def test_verify_cli_fails_and_names_bad_and_missing_files(mirror_copy, monkeypatch, capsys):
    (mirror_copy / f"{LABELS}.gz").write_bytes(b"garbage")
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror_copy))
    before = snapshot(mirror_copy)
    assert data.main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "BAD: cannot be decompressed" in out
    assert "MISSING" in out  # the copy has no fashion-mnist/
    assert snapshot(mirror_copy) == before


def test_download_cli_reports_failures_and_exits_1(isolated_caches, capsys):
    assert data.main(["download"]) == 1
    assert "Could not load" in capsys.readouterr().err


def test_cli_usage(capsys):
    assert data.main(["nonsense"]) == 2
    assert "usage" in capsys.readouterr().err


def test_download_with_a_mirror_warms_the_caches_and_never_overwrites(mirror, isolated_caches, monkeypatch, capsys):
    keras_cache = isolated_caches / "keras" / "datasets"
    existing = keras_cache / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"a file the user put here")
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    assert data.main(["download"]) == 0
    out = capsys.readouterr().out
    assert f"kept existing {existing}" in out and existing.read_bytes() == b"a file the user put here"
    assert (keras_cache / "mnist" / "train-images-idx3-ubyte.gz").is_file()
    assert (isolated_caches / "scipy-data" / "ascent.dat").is_file()
    assert (isolated_caches / "scipy-data" / "face.dat").is_file()
    assert not list(keras_cache.rglob(".*.partial"))
    existing.unlink()  # our test's stand-in; now a clean cache should serve every loader without the mirror
    data._copy_if_missing(mirror / "fashion-mnist" / existing.name, existing)
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert data.load_mnist()[0][0].shape == (60000, 28, 28)
    assert data.load_fashion_mnist()[1][1].shape == (10000,)
    assert data.load_ascent().shape == (512, 512)
    assert data.main(["verify"]) == 0


def test_warming_refuses_a_bad_or_incomplete_mirror_before_copying(mirror, mirror_copy, isolated_caches):
    with pytest.raises(data.DataUnavailableError, match="missing .*fashion-mnist"):
        data.warm_caches_from_mirror(mirror_copy)
    (mirror_copy / "fashion-mnist").symlink_to(mirror / "fashion-mnist")
    (mirror_copy / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"broken")
    with pytest.raises(data.DataFileError, match="t10k-labels"):
        data.warm_caches_from_mirror(mirror_copy)
    assert not (isolated_caches / "keras").exists()
