"""The stretch exercises' checks: right and wrong conclusions, runs not made yet, wrong models, odd answers.

Each stretch check holds the learner's conclusion against the learner's own measurements, so every case below
gives the measurements too. tests/test_solutions.py runs the published solutions inside the real notebooks.
"""

from __future__ import annotations

from types import SimpleNamespace

import keras
import numpy as np
import pytest
from scipy import stats as scipy_stats

from course_utils import conv, numpy_net
from course_utils.checks import VERDICTS, CheckResult, verdict
from course_utils.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12, nb13

STRETCHES = [nb01.stretch, nb02.stretch, nb03.stretch, nb04.stretch, nb05.stretch, nb06.stretch, nb07.stretch,
             nb08.stretch, nb09.stretch, nb10.stretch, nb11.stretch, nb12.stretch, nb13.stretch]
STEPS = 10  # notebook 11's steps per epoch, in these cases


def _defined_by(solution_cell: str, name: str, **names):
    """Run one published solution cell, as a learner would paste it, and return what it defines."""
    namespace = {"keras": keras, "np": np, **names}
    exec(solution_cell, namespace)
    return namespace[name]


def _history(**series: list[float]) -> SimpleNamespace:
    return SimpleNamespace(history={key: list(values) for key, values in series.items()})


def _first_cnn(head: str = "flatten", trained: bool = False) -> keras.Model:
    """Notebook 02's CNN (or its GAP variant), optionally trained for one step on random images."""
    top = ([keras.layers.Flatten(), keras.layers.Dense(128, activation="relu")] if head == "flatten"
           else [keras.layers.GlobalAveragePooling2D()])
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
                              keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
                              *top, keras.layers.Dense(10, activation="softmax")])
    if trained:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(np.zeros((8, 28, 28, 1)), np.zeros(8), epochs=1, verbose=0)
    return model


def _small_cnn(head: str, augmentation: list | None = None, augment_after_conv: bool = False) -> keras.Model:
    """A stand-in for notebook 09's build_cnn: the same layer types, far fewer filters."""
    top = [keras.layers.Flatten()] if head == "flatten" else [keras.layers.GlobalAveragePooling2D()]
    augmentation = augmentation or []
    before, after = ([], augmentation) if augment_after_conv else (augmentation, [])
    layers = [*before, keras.layers.Rescaling(1 / 255), keras.layers.Conv2D(4, 3, padding="same"), *after,
              keras.layers.MaxPooling2D(2)]
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *layers, *top, keras.layers.Dense(10)])


def _small_base(trainable: bool = False) -> keras.Sequential:
    """A stand-in for notebook 10's base: three Conv2D + BatchNormalization blocks, frozen unless asked."""
    layers = [keras.Input(shape=(28, 28, 1))]
    for _ in range(3):
        layers += [keras.layers.Conv2D(2, 3, padding="same", use_bias=False), keras.layers.BatchNormalization(),
                   keras.layers.ReLU(), keras.layers.MaxPooling2D(2)]
    base = keras.Sequential(layers)
    base.trainable = trainable
    return base


def _unfrozen(**trainable_by_index: bool) -> keras.Sequential:
    """A base made trainable, then with the named layers (by index, e.g. i0=False) set as given."""
    base = _small_base(trainable=True)
    for key, value in trainable_by_index.items():
        base.layers[int(key[1:])].trainable = value
    return base


def _shift_augmentation() -> list:
    return [keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant")]


@pytest.fixture(scope="module")
def solved() -> dict:
    """The models and measurements a learner who followed the published solutions would pass to the checks."""
    deeper = _defined_by(nb01.stretch.solution_cells[0], "build_deeper_dense")()
    gap = _defined_by(nb02.stretch.solution_cells[0], "build_gap_cnn")()
    no_bn = _defined_by(nb03.stretch.solution_cells[0], "build_no_batchnorm_cnn")()
    image = np.random.default_rng(0).integers(0, 255, size=(40, 40)).astype(float)
    shifted = np.roll(image, 1, axis=1)
    kernel = _defined_by(nb07.stretch.solution_cells[0], "diagonal_kernel")
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    gap_augmented = _defined_by(nb09.stretch.solution_cells[0], "build_gap_augmented", build_cnn=_small_cnn,
                                shift_augmentation=_shift_augmentation)()
    last_block = _small_base()
    _defined_by(nb10.stretch.solution_cells[0], "unfreeze_last_block")(last_block)
    return {
        "01": {"model": deeper, "accuracy": 0.8721, "baseline": 0.8709},
        "02": {"results": {"Flatten": {"model": _first_cnn(), "accuracy": 0.85, "shifted": 0.45, "kept": 0.53},
                           "GAP": {"model": gap, "accuracy": 0.80, "shifted": 0.72, "kept": 0.9}}},
        "03": {"model": no_bn, "history": _history(val_accuracy=[0.84, 0.87]),
               "baseline_history": _history(val_accuracy=[0.86, 0.89, 0.90, 0.91, 0.91])},
        "04": {"configuration": (24, 3, 3), "reference": {"name": "f16 k3", "val accuracy": 0.7977,
                                                           "parameters": 5_114, "seeds": [0.790, 0.7977, 0.8054]},
               "summary": {"filters": 24, "kernel": 3, "blocks": 3, "val accuracy": 0.8250,
                           "parameters": 10_858, "seeds": [0.820, 0.8250, 0.830]}},
        "05": {"model": _first_cnn(trained=True), "digits": {"orientation": 0.15, "zero sum": 0.05},
               "untrained": {"orientation": 0.05, "zero sum": 0.21}},
        "06": {"callback": SimpleNamespace(threshold=0.04), "history": _history(val_loss=[0.06, 0.05, 0.031]),
               "accuracy_epochs": 3},
        "07": {"kernel": kernel, "image": image, "diagonal": nb07.strength(image, kernel),
               "sobel": nb07.strength(image, sobel)},
        "08": {"edges": image, "shifted_edges": shifted,
               "max_change": nb08.shift_change(image, shifted, conv.max_pool2d),
               "average_change": nb08.shift_change(image, shifted, conv.avg_pool2d)},
        "09": {"run": {"model": gap_augmented, "shifted": 0.794, "baseline shifted": 0.767}},
        "10": {"run": {"base": last_block, "accuracy": 0.612, "baseline": 0.634}},
        "11": {"model": numpy_net.build_scratch_cnn(np.random.default_rng(0), batchnorm=False),
               "run": {"loss": [1.0] * STEPS, "validation": [(5, 0.93), (STEPS, 0.962)]},
               "baseline": {"loss": [1.0] * 2 * STEPS, "validation": [(5, 0.95), (STEPS, 0.971), (2 * STEPS, 0.98)]},
               "steps_per_epoch": STEPS},
        "12": {"ratios": [1e-9, 3e-9, 2e-8], "baseline": [4e-5, 2e-5, 9e-5], "model": _plain_cnn(40)},
        "13": {"gap": 0.31, "flatten": 0.05, "model": gap, "reference": 0.05},
    }


def _global_max_cnn() -> keras.Model:
    """Notebook 02's CNN with GlobalMaxPooling2D where the stretch asks for GlobalAveragePooling2D."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(8, 3), keras.layers.Conv2D(8, 3),
                             keras.layers.GlobalMaxPooling2D(), keras.layers.Dense(10)])


def _plain_cnn(depth: int, residual: bool = False) -> keras.Model:
    """Notebook 12's deep_cnn, as exported."""
    from course_utils.models import deep_cnn

    return deep_cnn(depth, residual)


def _welch_half_width(a: list[float], b: list[float]) -> float:
    """The half width of Welch's 95% interval, from scipy (an oracle independent of course_utils.stats)."""
    interval = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval()
    return (interval.high - interval.low) / 2


def _conclusion(number: str, measured: dict):
    """The conclusion the published solution would reach from these measurements."""
    if number == "05":
        return bool(measured["digits"]["orientation"] > 2 * measured["untrained"]["orientation"]
                    and measured["digits"]["zero sum"] < 0.5 * measured["untrained"]["zero sum"])
    if number == "06":
        return "at the same epoch"
    pairs = {
        "01": (measured.get("accuracy"), measured.get("baseline"), nb01.STRETCH_NOISE),
        "02": ((measured.get("results") or {}).get("GAP", {}).get("kept"), 0.53, nb02.STRETCH_NOISE),
        "03": (0.87, 0.89, nb03.STRETCH_NOISE),
        "04": (0.8250, 0.7977, _welch_half_width([0.820, 0.8250, 0.830], [0.790, 0.7977, 0.8054])),
        "07": (measured.get("diagonal"), measured.get("sobel"), nb07.STRETCH_NOISE * (measured.get("sobel") or 1)),
        "08": (measured.get("average_change"), measured.get("max_change"), nb08.STRETCH_NOISE),
        "09": (0.794, 0.767, nb09.STRETCH_NOISE),
        "10": (0.612, 0.634, nb10.STRETCH_NOISE),
        "11": (0.962, 0.971, nb11.STRETCH_NOISE),
        "12": (np.log10(3e-9), np.log10(4e-5), nb12.STRETCH_NOISE),
        "13": (measured.get("gap"), measured.get("flatten"), nb13.STRETCH_NOISE),
    }
    value, baseline, noise = pairs[number]
    return verdict(value, baseline, noise)


NUMBERS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_supported_conclusion_passes_and_the_others_do_not(number, solved):
    exercise, measured = STRETCHES[NUMBERS.index(number)], solved[number]
    right = _conclusion(number, measured)
    result = exercise.evaluate(right, **measured)
    assert result.passed, result.message
    options = (True, False) if number == "05" else nb06.STOPS if number == "06" else VERDICTS
    for wrong in (option for option in options if option != right):
        result = exercise.evaluate(wrong, **measured)
        assert not result.passed and result.attempted and "say" in result.message, (wrong, result.message)


@pytest.mark.parametrize("number", NUMBERS)
def test_a_conclusion_before_the_experiment_ran_says_which_cell_to_run(number, solved):
    exercise = STRETCHES[NUMBERS.index(number)]
    measured = {key: None for key in solved[number]}
    result = exercise.evaluate(_conclusion(number, solved[number]), **measured)
    assert not result.passed and result.attempted and ("run" in result.message or "pass" in result.message), \
        result.message


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("placeholder", [..., None])
def test_an_untouched_conclusion_is_not_attempted(number, placeholder, solved):
    result = STRETCHES[NUMBERS.index(number)].evaluate(placeholder, **solved[number])
    assert not result.passed and not result.attempted


@pytest.mark.parametrize("number", NUMBERS)
def test_odd_conclusions_get_feedback_and_never_raise(number, solved, capsys):
    exercise = STRETCHES[NUMBERS.index(number)]
    odd = ["", "maybe", "HIGHER!", 1, 0.5, [], {}, object(), lambda: 1 / 0, np.array(["higher", "lower"])]
    if number != "05":
        odd += [True, False]
    for answer in odd:
        result = exercise.evaluate(answer, **solved[number])
        assert isinstance(result, CheckResult) and not result.passed, (answer, result)
        exercise.check(answer, **solved[number])
    assert capsys.readouterr().out.count("❌ Not yet") == len(odd)


def test_answers_are_read_forgivingly_but_not_guessed(solved):
    assert nb01.stretch.evaluate("  About the Same ", **solved["01"]).passed
    assert "not one of the choices" in nb01.stretch.evaluate("same", **solved["01"]).message
    assert "without quotes" in nb05.stretch.evaluate("True", **solved["05"]).message
    assert nb05.stretch.evaluate(np.bool_(True), **solved["05"]).passed


# Wrong experiments: the model or the measurement is not what the exercise asks for.
def _changed(number: str, solved: dict, **changes) -> dict:
    return {**solved[number], **changes}


WRONG_EXPERIMENTS = [
    ("01", lambda s: _changed("01", s, model=keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                                                keras.layers.Dense(128), keras.layers.Dense(10)])),
     "1 hidden Dense layer(s)"),
    ("01", lambda s: _changed("01", s, model="model"), "should be a Keras model"),
    ("02", lambda s: _changed("02", s, results={**s["02"]["results"], "GAP": {**s["02"]["results"]["GAP"],
                                                                              "model": _first_cnn()}}),
     "still has a Flatten layer"),
    ("02", lambda s: _changed("02", s, results={"GAP": 1}), "pass results=stretch_results"),
    ("03", lambda s: _changed("03", s, model=keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3),
                                                                keras.layers.BatchNormalization()])),
     "still has BatchNormalization"),
    ("03", lambda s: _changed("03", s, model=keras.Sequential([keras.Input((28, 28, 1))] + [
        keras.layers.Conv2D(4, 3, padding="same", use_bias=False) for _ in range(3)])), "use_bias=False"),
    ("04", lambda s: _changed("04", s, configuration=(16, 3, 3)), "already ran"),
    ("04", lambda s: _changed("04", s, configuration=(32, 5)), "three positive whole numbers"),
    ("04", lambda s: _changed("04", s, configuration=(24, 5, 3)), "from another configuration"),
    ("05", lambda s: _changed("05", s, model=_first_cnn()), "has not been trained"),
    ("05", lambda s: _changed("05", s, model=_first_cnn(head="gap", trained=True).__class__(
        [keras.Input((28, 28, 1)), keras.layers.Rescaling(1.0), keras.layers.Conv2D(8, 5)])), "build_first_cnn()"),
    ("06", lambda s: _changed("06", s, history=_history(val_loss=[0.06, 0.05, 0.031, 0.03])),
     "did not stop where it should"),
    ("06", lambda s: _changed("06", s, history=_history(val_loss=[0.06, 0.05, 0.045, 0.044])), "never reached"),
    ("06", lambda s: _changed("06", s, callback=SimpleNamespace()), "threshold"),
    ("07", lambda s: _changed("07", s, kernel=np.ones((3, 3))), "add up to 9"),
    ("07", lambda s: _changed("07", s, kernel=np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])), "does not prefer"),
    ("07", lambda s: _changed("07", s, kernel=np.zeros((2, 2))), "3x3 array"),
    ("07", lambda s: _changed("07", s, diagonal=1.0), "run the measuring cell again"),
    ("08", lambda s: _changed("08", s, average_change=nb08.shift_change(s["08"]["edges"], s["08"]["shifted_edges"],
                                                                        conv.max_pool2d)), "max pooling's change"),
    ("08", lambda s: _changed("08", s, average_change=nb08.shift_change(s["08"]["edges"], s["08"]["shifted_edges"],
                                                                        None)), "change before pooling"),
    ("08", lambda s: _changed("08", s, average_change=nb08.shift_change(s["08"]["edges"], s["08"]["shifted_edges"],
                                                                        conv.avg_pool2d, border=0)), "crop the pooled"),
    ("08", lambda s: _changed("08", s, average_change="0.42"), "is text"),
    ("08", lambda s: _changed("08", s, max_change=0.9), "Pass max_change=change_after"),
    ("08", lambda s: _changed("08", s, max_change=nb08.shift_change(s["08"]["edges"], s["08"]["shifted_edges"], None)),
     "change_before"),
    ("08", lambda s: _changed("08", s, max_change=nb08._filter_change(s["08"]["edges"], s["08"]["shifted_edges"])),
     "change_filter"),
    ("09", lambda s: _changed("09", s, run={**s["09"]["run"], "model": _small_cnn("flatten", _shift_augmentation())}),
     "should end with the GAP head"),
    ("09", lambda s: _changed("09", s, run={**s["09"]["run"], "model": _small_cnn("gap")}),
     "no RandomTranslation layer"),
    ("09", lambda s: _changed("09", s, run={**s["09"]["run"], "model": _small_cnn("gap", _shift_augmentation(),
                                                                                 augment_after_conv=True)}),
     "before the first Conv2D"),
    ("09", lambda s: _changed("09", s, run={"model": 1}), "pass run=stretch_run"),
    ("09", lambda s: _changed("09", s, run={**s["09"]["run"], "shifted": "0.8"}), "is text"),
    ("10", lambda s: _changed("10", s, run={**s["10"]["run"], "base": _small_base()}), "still frozen"),
    ("10", lambda s: _changed("10", s, run={**s["10"]["run"], "base": _unfrozen(i8=False, i9=False)}),
     "last block's Conv2D is frozen"),
    ("10", lambda s: _changed("10", s, run={**s["10"]["run"], "base": _unfrozen(i1=False, i5=False, i9=False)}),
     "an earlier block's Conv2D"),
    ("10", lambda s: _changed("10", s, run={**s["10"]["run"], "base": _unfrozen(i0=False, i4=False)}),
     "BatchNormalization layer is trainable"),
    ("10", lambda s: _changed("10", s, run={"base": 1}), "pass run=stretch_run"),
    ("10", lambda s: _changed("10", s, run={**s["10"]["run"], "accuracy": "0.6"}), "is text"),
    ("11", lambda s: _changed("11", s, model=numpy_net.build_scratch_cnn(np.random.default_rng(0))),
     "still has a BatchNorm layer"),
    ("11", lambda s: _changed("11", s, model=numpy_net.Sequential([numpy_net.ReLU(), numpy_net.Flatten()])),
     "change one thing only"),
    ("11", lambda s: _changed("11", s, model=1), "should be the network"),
    ("11", lambda s: _changed("11", s, run={**s["11"]["run"], "loss": [1.0] * 2 * STEPS}), "exactly one epoch"),
    ("11", lambda s: _changed("11", s, run=[0.96]), "exactly one epoch"),
    ("11", lambda s: _changed("11", s, baseline={"validation": [(5, 0.95)]}), "no validation accuracy at step"),
    ("11", lambda s: _changed("11", s, baseline=[0.97]), "should be the history"),
    ("11", lambda s: _changed("11", s, run={**s["11"]["run"], "validation": [(STEPS, "0.96")]}), "is text"),
    ("12", lambda s: _changed("12", s, model=_plain_cnn(20)), "asks for depth 40"),
    ("12", lambda s: _changed("12", s, model=_plain_cnn(40, residual=True)), "has shortcuts"),
    ("12", lambda s: _changed("12", s, model="model"), "should be the Keras model"),
    ("12", lambda s: _changed("12", s, ratios=[1e-9, 2e-9]), "one per seed"),
    ("12", lambda s: _changed("12", s, ratios=[1e-9, -2e-9, 3e-9]), "is positive"),
    ("12", lambda s: _changed("12", s, ratios=0.1), "one ratio per seed"),
    ("12", lambda s: _changed("12", s, baseline=None), "baseline=plain_kept"),
    ("12", lambda s: _changed("12", s, ratios=["1e-9", 2e-9, 3e-9]), "is text"),
    ("13", lambda s: _changed("13", s, model=_first_cnn()), "still has a Flatten layer"),
    ("13", lambda s: _changed("13", s, model=_global_max_cnn()), "no GlobalAveragePooling2D"),
    ("13", lambda s: _changed("13", s, model=_small_cnn("gap")), "change the head only"),
    ("13", lambda s: _changed("13", s, model="model"), "should be a Keras model"),
    ("13", lambda s: _changed("13", s, model=None), "run the cell that builds and trains it"),
    ("13", lambda s: _changed("13", s, gap=None), "not set yet"),
    ("13", lambda s: _changed("13", s, flatten=...), "not set yet"),
    ("13", lambda s: _changed("13", s, gap=1.5), "not a rank correlation"),
    ("13", lambda s: _changed("13", s, flatten=0.2, reference=0.05), "use np.nanmean(agreement(maps['Grad-CAM']"),
    ("13", lambda s: _changed("13", s, gap="0.3"), "is text"),
]


@pytest.mark.parametrize(("number", "change", "fragment"), WRONG_EXPERIMENTS,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(WRONG_EXPERIMENTS)])
def test_a_wrong_experiment_is_named(number, change, fragment, solved):
    measured = change(solved)
    result = STRETCHES[NUMBERS.index(number)].evaluate(_conclusion(number, solved[number]), **measured)
    assert not result.passed and result.attempted and fragment in result.message, result.message


def test_ready_tells_a_placeholder_from_a_started_answer(capsys):
    def build():
        ...  # your code here

    assert not nb01.stretch.ready(build) and not nb04.stretch.ready(...)
    assert "build is still the `...` placeholder" in capsys.readouterr().out
    assert nb01.stretch.ready(lambda: 1) and nb04.stretch.ready((24, 3, 3))
    assert capsys.readouterr().out == ""


def test_a_stretch_solution_prints_as_cells(capsys):
    nb02.stretch.solution()
    out = capsys.readouterr().out
    assert "cell 1 of 2" in out and "cell 2 of 2" in out and "GlobalAveragePooling2D" in out


def test_the_diagonal_test_images_are_cut_along_the_named_diagonals():
    rising, falling = nb07._edge_image(True), nb07._edge_image(False)
    assert rising[0, 0] == 1 and rising[-1, -1] == 0 and rising[0, -1] == rising[-1, 0] == 0  # '/' boundary
    assert falling[0, -1] == 1 and falling[-1, 0] == 0 and falling[0, 0] == falling[-1, -1] == 0  # '\' boundary


@pytest.mark.parametrize(("module", "quoted"), [(nb01, "±0.005"), (nb02, "±0.05"), (nb03, "±0.01"), (nb07, "5%"),
                                                (nb08, "1 percentage point"), (nb09, "±0.02"),
                                                (nb10, "±0.03"), (nb11, "±0.005"), (nb12, "±0.5"),
                                                (nb13, "±0.05")])
def test_the_noise_band_in_the_text_is_the_one_the_check_uses(module, quoted):
    import re
    from pathlib import Path

    number = module.__name__[-2:]
    notebook = next((Path(__file__).resolve().parents[1] / "notebooks").glob(f"{number}_*.py"))
    text = notebook.read_text()
    stated = float(re.sub(r"[±%]| percentage point", "", quoted)) / (100 if not quoted.startswith("±") else 1)
    assert quoted in text and stated == pytest.approx(module.STRETCH_NOISE)


def test_08_reads_relative_change_in_either_order_and_names_no_seed(solved):
    measured = dict(solved["08"])
    edges, shifted = measured["edges"], measured["shifted_edges"]
    measured["average_change"] = nb08.shift_change(shifted, edges, conv.avg_pool2d)  # relative_change(shifted, edges)
    right = verdict(measured["average_change"], measured["max_change"], nb08.STRETCH_NOISE)
    assert nb08.stretch.evaluate(right, **measured).passed
    wrong = next(option for option in VERDICTS if option != right)
    message = nb08.stretch.evaluate(wrong, **measured).message
    assert "no seed" in message and "a different seed" not in message, message


def test_13_names_nanmean_when_an_empty_map_made_the_mean_nan(solved):
    # agreement() marks a constant (empty) Grad-CAM map as missing, nan; .mean() then gives nan, np.nanmean does not.
    for key in ("gap", "flatten"):
        result = nb13.stretch.evaluate("higher", **{**solved["13"], key: np.float64("nan")})
        assert not result.passed and result.attempted and "np.nanmean" in result.message, result.message


def _plain_depth_40() -> keras.Model:
    """A stand-in with 41 Conv2D layers (stem + 40) and no Add: the shape the notebook 12 check inspects."""
    return keras.Sequential([keras.Input((4, 4, 1))] + [keras.layers.Conv2D(1, 1) for _ in range(41)])


@pytest.mark.parametrize(("ratios", "message"), [
    ([1 / 3e-9, 1 / 4e-9, 1 / 2e-9], "not the other way round"),  # layer 1 / layer 40: inverted
    ([3e-5, 4e-5, 5e-5], "equal section 2a's ratios"),  # the depth-20 ratios passed again
])
def test_12_rejects_inverted_ratios_and_the_baseline_itself(ratios, message):
    result = nb12.stretch.evaluate("about the same", ratios=ratios, baseline=[3e-5, 4e-5, 5e-5],
                                   model=_plain_depth_40())
    assert not result.passed and message in result.message, result.message
