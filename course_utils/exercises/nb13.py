"""Exercises for notebook 13 (what the model looks at: saliency maps and their sanity check)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *
from course_utils.exercises import nb02
from course_utils.exercises.nb02 import expect_gap_model

_WRONG_ALPHA = {
    121: "that is the number of positions in each 11x11 feature map; alpha_k is one number per feature map",
    128: "that is the Dense layer's width; Grad-CAM works on the last Conv2D's feature maps",
    10: "that is the number of classes; alpha_k is one number per feature map of the last Conv2D",
    7744: "that is every value of the last Conv2D's output (11 x 11 x 64); alpha_k averages each map over positions",
}


@exercise("How many alpha_k does Grad-CAM compute for one image on build_first_cnn()?",
          hint="One alpha per feature map of the last Conv2D layer: count its filters (model.summary()).",
          solution="alpha_count = 64  # the last Conv2D has 64 filters")
def q1(answer: Any) -> str:
    expect_exact(expect_whole_number(answer, "a count"), 64, _WRONG_ALPHA,
                 "{answer} is not it. How many filters does the last Conv2D of build_first_cnn() have?")
    return ("64: one weight per feature map of the last Conv2D (64 filters), each the mean gradient over its 11x11 "
            "positions.")


_MAP_CASES = [np.array([[0.0, 2.0], [4.0, 1.0]]), np.array([[-3.0, -1.0, 5.0]]),
              np.random.default_rng(13).normal(size=(6, 6)) * 7 + 2]


@exercise("Write normalise_map(heat): scale a map to [0, 1]",
          hint="span = heat.max() - heat.min(); if span == 0 return "
               "np.zeros_like(heat, dtype=float); else (heat - heat.min()) / span.",
          solution="def normalise_map(heat):\n"
                   "    heat = np.asarray(heat, dtype=float)\n"
                   "    span = heat.max() - heat.min()\n"
                   "    if span == 0:\n"
                   "        return np.zeros_like(heat)\n"
                   "    return (heat - heat.min()) / span",
          callable_name="normalise_map")
def q2(normalise_map: Callable[[np.ndarray], Any]) -> str:
    for case in _MAP_CASES:
        before = case.copy()
        result = call(normalise_map, "normalise_map", case.copy())
        try:
            got = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            raise CheckFailed(f"normalise_map returned {type(result).__name__}, not an array of numbers") from None
        if got.shape != case.shape:
            raise CheckFailed(f"normalise_map returned shape {got.shape} for a map of shape {case.shape}")
        expected = (before - before.min()) / (before.max() - before.min())
        if np.allclose(got, expected):
            continue
        if np.allclose(got, before / before.max()):
            raise CheckFailed("you divided by the maximum only: subtract the minimum first, so that it becomes 0")
        if np.allclose(got, before / before.sum()):
            raise CheckFailed("dividing by the sum gives shares that add up to 1; scale so min -> 0 and max -> 1")
        raise CheckFailed(f"for {before.tolist() if before.size < 8 else 'a 6x6 map'} the result should run from 0 "
                          "to 1: (heat - heat.min()) / (heat.max() - heat.min())")
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 is the mistake this case looks for
        flat = call(normalise_map, "normalise_map", np.full((3, 3), 2.5))
    flat = np.asarray(flat, dtype=float)
    if flat.shape != (3, 3) or not np.all(np.isfinite(flat)):
        raise CheckFailed("a constant map gives 0 / 0 = nan: check for max == min and return zeros then")
    if not np.allclose(flat, 0):
        raise CheckFailed("a constant map should become all zeros: no pixel is more important than another")
    return "(heat - min) / (max - min), and zeros for a constant map."


@exercise("After randomising 0.70, untrained pairs 0.72, a second trained model 0.74: what do you conclude?",
          hint="Before reading the randomised score, ask how far the ceiling (0.74) stands above the floor (0.72).",
          solution='metric_verdict = "c"  # ceiling - floor = 0.02: no score between them can tell the two apart')
def q3(answer: Any) -> str:
    expect_letter(answer, "abc", {
        "a": "0.70 is at the floor, but the floor (0.72) is almost at the ceiling (0.74): untrained models score "
             "like trained ones, so reaching the floor says nothing about learning",
        "b": "0.70 is close to the ceiling, but the ceiling (0.74) is barely above the floor (0.72): an untrained "
             "model's maps would score as high, so staying high says nothing either"})
    return ("this metric cannot tell: its ceiling is only 0.02 above its floor, so it scores an untrained model like a "
            "trained one. Judge the method on a metric whose ceiling stands well above its floor.")


STRETCH_NOISE = 0.05  # a mean rank correlation over 64 images moves by about this much with the images chosen


@exercise("Stretch: does Grad-CAM agree with occlusion better on a global-average-pooling head?",
          hint="gap_model = build_gap_cnn() as in notebook 02's stretch (Flatten and Dense(128) replaced by "
               "GlobalAveragePooling2D()); train(gap_model); then np.nanmean(agreement(grad_cam(gap_model, images, "
               "classes), occlusion(gap_model, images, classes))).",
          solution=(
              nb02.stretch.solution_cells[0] + "\n\n\n"  # notebook 02's build_gap_cnn, as the learner wrote it there
              "gap_model = build_gap_cnn()\n"
              "train(gap_model)\n"
              "gap_cam, gap_occlusion = grad_cam(gap_model, images, classes), occlusion(gap_model, images, classes)\n"
              "gap_agreement = np.nanmean(agreement(gap_cam, gap_occlusion))  # empty maps are missing\n"
              "flatten_agreement = np.nanmean(agreement(maps['Grad-CAM'], maps['occlusion']))",
              "difference = gap_agreement - flatten_agreement\n"
              "gap_verdict = 'higher' if difference > 0.05 else 'lower' if difference < -0.05 else 'about the same'\n"
              "\n"
              "ex.stretch.check(gap_verdict, gap=gap_agreement, flatten=flatten_agreement, model=gap_model,\n"
              "                 reference=np.nanmean(agreement(maps['Grad-CAM'], maps['occlusion'])))",
          ))
def stretch(conclusion: Any, *, gap: Any = None, flatten: Any = None, model: Any = None,
            reference: Any = None) -> str:
    if gap is None or gap is Ellipsis or flatten is None or flatten is Ellipsis:
        raise CheckFailed("gap_agreement and flatten_agreement are not set yet: run the cell above, which "
                          "measures them")
    expect_gap_model(model, "gap_model")  # notebook 02's stretch model
    for name, value in (("gap_agreement", gap), ("flatten_agreement", flatten)):
        if isinstance(value, (float, np.floating)) and np.isnan(value):
            raise CheckFailed(f"{name} is nan: agreement(...) marks an empty map as missing (nan), so take "
                              "np.nanmean(agreement(...)), not .mean()")
    gap_value = expect_measured(gap, "gap_agreement")
    flatten_value = expect_measured(flatten, "flatten_agreement")
    for name, value in (("gap_agreement", gap_value), ("flatten_agreement", flatten_value)):
        if not -1 <= value <= 1:
            raise CheckFailed(f"{name} = {value:g} is not a rank correlation (between -1 and 1): take the mean of "
                              "agreement(...)")
    if reference is not None and not np.isclose(flatten_value, float(reference), atol=1e-6):
        raise CheckFailed(f"flatten_agreement is {flatten_value:.4f}, but Grad-CAM's agreement with occlusion on the "
                          f"Flatten model is {float(reference):.4f}: use np.nanmean(agreement(maps['Grad-CAM'], "
                          "maps['occlusion']))")
    said = expect_verdict(conclusion, gap_value, flatten_value, STRETCH_NOISE,
                          "Grad-CAM's agreement with occlusion on the GAP model")
    reading = {
        "higher": "with a global average in the head, the score depends on each map through one average, so one "
                  "weight per map is close to what the model uses; after Flatten each position has its own weights, "
                  "and the average throws that away",
        "lower": "so matching the head's structure did not by itself bring Grad-CAM closer to occlusion here; the two "
                 "models also learned different features, and one run of each cannot separate the two causes",
        "about the same": "on this short run the head made no difference beyond the noise; a run with several seeds "
                          "per head would be needed to see a smaller effect"}[said]
    return f"GAP model {gap_value:+.3f} against the Flatten model's {flatten_value:+.3f}: {said}; {reading}."
