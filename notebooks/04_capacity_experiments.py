# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Capacity experiments: filters, kernel size, and when bigger stops helping
# <!-- course-map: Capacity experiments | Filters × kernel size over 3 seeds, a fair depth comparison with global
# average pooling, the cheapest configuration that meets a target, with its uncertainty. -->
#
# **Why this matters.** "Add more filters" and "use bigger kernels" are the first knobs everyone turns. Each turn
# costs parameters, memory and training time; it does not always buy accuracy. Instead of guessing, this notebook
# runs a small grid of real experiments, records what each configuration costs and what it gains, and picks a
# winner from the numbers.
#
# *CNNs, hands-on* · notebook 4 of 8 · previous: [**03 · deeper CNN**](03_deeper_cnn.ipynb) ·
# next: [**05 · feature maps**](05_feature_maps.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/04_capacity_experiments.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/04_capacity_experiments.ipynb)

# %% [markdown]
# ## You will learn
#
# - how the number of filters and the kernel size change a CNN's parameters and its cost;
# - how to run a fair experiment grid: same data, same recipe, one knob at a time, several seeds;
# - how to tell a real difference from seed noise, with a mean and a standard error;
# - why a depth comparison needs a head that sees the same number of features at every depth;
# - how to recommend the cheapest configuration that meets a target, and say how sure you are.
#
# Cells whose first line is `# (extra code)` only draw figures or tables.

# %% [markdown]
# ## Setup
#
# Run this cell first: one import line brings in NumPy, matplotlib, Keras and the course's helpers, and `setup` seeds
# the random generators and reports the environment and the mode. On Colab it first installs the course's helper
# package, `course_utils` (about 10 s); anywhere else it installs nothing.

# %%
import sys

if "google.colab" in sys.modules:  # on Colab only: install the course helpers (pinned), keep Colab's TensorFlow
    # %pip install --quiet --no-deps "course-utils @ git+https://github.com/cnns-hands-on/cnns-hands-on@main"
    sys.path_importer_cache.clear()  # forget cached folder listings: find the package installed a moment ago

from course_utils.start import *  # np, plt, keras, tf, and the course helpers (data, plots, results and more)

SEED = setup(seed=42)  # seeds every random generator, prints the environment; COURSE_SEED overrides 42

# %% [markdown]
# ## 1. Data: train, validation, test
#
# The same split as notebook 03. Configurations are compared on the **validation** set; the test set is not used
# at all here, because this notebook makes decisions. To afford several seeds per configuration, every model trains
# on the first 12,000 training images for 2 epochs: a small budget, the same for all.

# %%
(train_images, train_labels), _ = data.load_fashion_mnist(fast=(6000, None))  # the test set stays closed here
order = np.random.default_rng(SEED).permutation(len(train_images))
validation_index, fit_index = order[: len(order) // 10], order[len(order) // 10 :]


images = train_images[..., np.newaxis]  # uint8 with a channel axis; the model scales (notebook 02)
x_train, y_train = images[fit_index], train_labels[fit_index]
x_val, y_val = images[validation_index], train_labels[validation_index]
train_count = mode.by_mode(full=12_000, fast=2_000)
x_train, y_train = x_train[:train_count], y_train[:train_count]
print(f"train {x_train.shape}, validation {x_val.shape}")

# %% [markdown]
# ## 2. One model family, three knobs
#
# Notebook 03's block, `Conv2D(padding="same")` → `BatchNormalization` → `ReLU` → `MaxPooling2D(2)`, repeated
# `blocks` times, with two knobs for the convolutions: `filters` and `kernel_size`. The head is
# `GlobalAveragePooling2D` → `Dense(10)`: it averages each feature map over all its positions, so the classifier
# always reads exactly `filters` numbers. That keeps the head tiny (almost every parameter is in a convolution, so
# the knobs are what we measure) and the same at every depth (section 5).

# %%
def build_cnn(filters: int, kernel_size: int, blocks: int = 3) -> keras.Model:
    """Rescaling, `blocks` x (Conv2D(f, k, same) -> BN -> ReLU -> MaxPool(2)), then GlobalAveragePooling, Dense(10)."""
    layers = [keras.Input(shape=(28, 28, 1)), keras.layers.Rescaling(1 / 255)]
    for _ in range(blocks):
        layers += [
            keras.layers.Conv2D(filters, kernel_size, padding="same", use_bias=False),
            keras.layers.BatchNormalization(momentum=0.9),
            keras.layers.ReLU(),
            keras.layers.MaxPooling2D(2),
        ]
    layers += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(layers, name=f"cnn_f{filters}_k{kernel_size}_b{blocks}")


# %% [markdown]
# Before training anything, the cost of each configuration can be computed: parameters, the share of them in the
# convolutions, and the multiply-adds per image. A convolution's weights grow with kernel² × channels in × filters,
# so doubling the filters of stacked layers roughly quadruples the inner layers' weights.

# %% tags=["nbval-check-output"]
grid = [(8, 3), (16, 3), (32, 3), (16, 5)]
for filters, kernel_size in grid:
    model = build_cnn(filters, kernel_size)
    conv_share = sum(layer.count_params() for layer in model.layers
                     if isinstance(layer, keras.layers.Conv2D)) / model.count_params()
    print(f"filters {filters:>2}, kernel {kernel_size}x{kernel_size}: {model.count_params():>6,} parameters "
          f"({conv_share:.0%} in convolutions), {multiply_adds(model) / 1e6:4.2f} M multiply-adds per image")

# %% [markdown]
# ## 3. The grid, with several seeds
#
# Every configuration gets the same recipe (Adam with a cosine-decayed learning rate from 0.01, batches of 128,
# 2 epochs) and the same 3 seeds. A seed changes the starting weights and the order of the batches, and that alone
# moves validation accuracy, by up to a few points here (the `sd` column below shows how much): one run per
# configuration cannot tell a real difference from luck.
#
# 0.01 is a high rate for Adam (its default is 0.001). Batch normalisation keeps such large steps stable, and a
# budget of 2 epochs needs them: the cosine then brings the rate down to 0 so that the weights settle.

# %%
from course_utils.models import compile_with_cosine  # notebook 02's training recipe

epochs = mode.by_mode(full=2, fast=1)
seeds = mode.by_mode(full=[SEED, SEED + 1, SEED + 2], fast=[SEED, SEED + 1])


def train_and_measure(filters: int, kernel_size: int, blocks: int, seed: int) -> dict:
    """Train one configuration with one seed; return its cost and validation accuracy."""
    keras.utils.set_random_seed(seed)
    model = build_cnn(filters, kernel_size, blocks)
    steps = epochs * int(np.ceil(len(x_train) / 128))
    compile_with_cosine(model, rate=0.01, steps=steps)  # notebook 02's recipe, from a higher rate
    with Timer() as timer:
        model.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    return {"parameters": model.count_params(), "seconds": timer.seconds,
            "val accuracy": model.evaluate(x_val, y_val, batch_size=500, verbose=0)[1]}


def summarise(name: str, seed_runs: list[dict], **knobs: int) -> dict:
    """Mean, standard deviation and standard error of the mean over the seeds, plus the costs."""
    accuracies = np.array([run["val accuracy"] for run in seed_runs])
    spread = accuracies.std(ddof=1) if len(accuracies) > 1 else 0.0
    return {"name": name, **knobs, "parameters": seed_runs[0]["parameters"],
            "train seconds": round(float(np.median([run["seconds"] for run in seed_runs])), 1),
            "val accuracy": float(accuracies.mean()), "sd": float(spread),
            "std error": float(spread / np.sqrt(len(accuracies))), "seeds": accuracies.tolist()}


def table(rows: list[dict], columns: tuple[str, ...] = ()) -> str:
    """The rows as a text table, without the per-seed lists (or only ``columns``)."""
    return format_table([{k: v for k, v in row.items() if k != "seeds" and (not columns or k in columns)}
                         for row in rows])


runs = []
for filters, kernel_size in grid:
    seed_runs = [train_and_measure(filters, kernel_size, 3, seed) for seed in seeds]
    runs.append(summarise(f"f{filters} k{kernel_size}", seed_runs, filters=filters, kernel=kernel_size))
    print(f"{runs[-1]['name']:<7} done: {runs[-1]['val accuracy']:.4f} ± {runs[-1]['sd']:.4f}", flush=True)

# %%
print(table(runs))

# %% [markdown]
# `val accuracy` is the mean over the 3 seeds, `sd` their standard deviation, and `std error` = sd / √3, how far
# the mean itself may be off. To compare two configurations we use the difference of their means with a **95%
# t-interval** (Welch's, `course_utils.stats.welch`): with 3 seeds per side the standard errors are themselves
# rough, so the interval is about 2.8 to 4.3 combined standard errors wide on each side, not the 2 of a large
# sample. An interval that excludes 0 is a real difference; one that straddles 0 is **within noise**: these seeds
# cannot rank the two. Every comparison below prints its interval and that verdict.

# %% [markdown]
# ## 4. Accuracy against parameters and against time

# %%
# (extra code) draws validation accuracy against parameters and against training time
target = 0.82  # the mean validation accuracy we want from a configuration, with this budget
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
for ax, x_key in zip(axes, ["parameters", "train seconds"], strict=True):
    ax.errorbar([r[x_key] for r in runs], [r["val accuracy"] for r in runs],
                yerr=[stats.t_value(len(seeds) - 1) * r["std error"] for r in runs], fmt="o", capsize=4)
    for r in runs:
        ax.annotate(r["name"], (r[x_key], r["val accuracy"]), textcoords="offset points", xytext=(6, -10), fontsize=9)
    ax.axhline(target, color="grey", linestyle=":", linewidth=1.5, label=f"target {target}")
    ax.set_xlabel(x_key + (" (log scale)" if x_key == "parameters" else " (median of 3 seeds)"))
    ax.set_ylabel("validation accuracy (mean of 3 seeds)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
axes[0].set_xscale("log")
axes[0].set_title("validation accuracy vs parameters (bars: 95% t-intervals of the mean)")
axes[1].set_title("validation accuracy vs training time")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Common mistake: a comparison that changes two things at once
#
# Does a deeper network do better? The tempting experiment stacks more blocks in front of notebook 02's
# `Flatten → Dense` head. But each block halves the maps, so `Flatten` hands the classifier fewer and fewer numbers:

# %% tags=["nbval-check-output"]
for blocks in (1, 2, 3, 4):
    size = 28 // 2**blocks
    print(f"{blocks} block(s) of 32 filters: Flatten gives {size}x{size}x32 = {size * size * 32:>5,} features; "
          f"GlobalAveragePooling2D gives 32")

# %% [markdown]
# With `Flatten`, depth and the size of the classifier's input change together, so the experiment cannot say which
# of the two made the difference. `GlobalAveragePooling2D` fixes the head: every depth hands it one number per
# filter. Now the head stays put and the depth changes (16 filters, 3×3, the grid's recipe and seeds; the 3-block
# row is the grid's f16 k3, reused). Depth does not come alone, though: each block brings its own filters, so the
# parameters and the training time grow with it (the table prints both). What this compares is "more blocks, with
# the parameters they bring", not depth at an equal budget.

# %%
depth_runs = []
for blocks in (1, 2, 3, 4):
    if blocks == 3:
        depth_runs.append({**next(r for r in runs if r["name"] == "f16 k3"), "name": "3 blocks", "blocks": 3})
        continue
    seed_runs = [train_and_measure(16, 3, blocks, seed) for seed in seeds]
    depth_runs.append(summarise(f"{blocks} blocks", seed_runs, blocks=blocks))
for row in depth_runs:
    row["final map"] = f"{28 // 2 ** row['blocks']}x{28 // 2 ** row['blocks']}"
depth_runs.sort(key=lambda r: r["blocks"])
print(table(depth_runs, ("name", "final map", "parameters", "train seconds", "val accuracy", "sd")))
print(f"parameters from 1 to 4 blocks: {depth_runs[-1]['parameters'] / depth_runs[0]['parameters']:.0f}x")
depth_steps = [stats.welch(deeper["seeds"], shallower["seeds"])
               for shallower, deeper in zip(depth_runs, depth_runs[1:], strict=False)]
for blocks, step in enumerate(depth_steps, start=1):
    print(f"{blocks} -> {blocks + 1} blocks: validation accuracy {step}")
results.claim("deeper_is_better_with_gap", all(step.verdict == "higher" for step in depth_steps[:2])
              and depth_steps[2].difference > 0,
              "with the same head at every depth, each extra block raised the mean validation accuracy, the first "
              "two beyond seed noise")

# %% [markdown]
# With the head held fixed, every extra block raised the mean, and the claim above is checked in every full-mode
# run; the intervals say which steps are beyond seed noise (the last, 3 → 4 blocks, is the closest call). Part of
# that may be the parameters each block adds rather than the depth itself; an experiment at equal parameters (fewer
# filters per block in the deeper models) would separate the two. Each block lets the last layer see a larger part
# of the image (its receptive field grows) while the maps shrink, so the features that reach the average are about
# shapes, not single pixels. With one block, a 3×3 filter sees only 3×3 pixels, and averaging such local responses
# over the whole image throws away almost everything. The lesson is about method: change one thing at a time, and
# make sure the thing you did not mean to change (here the classifier's input) stays put.

# %% [markdown]
# ## 6. What each step up buys, and the recommendation
#
# The question is not "which is most accurate?" but "what does each step up buy?". Doubling the filters at 3×3:

# %%
by_name = {r["name"]: r for r in runs}


def compare(smaller: dict, bigger: dict) -> stats.Interval:
    """Print what the bigger configuration costs and gains, with the gain's 95% t-interval; return the interval."""
    gain = stats.welch(bigger["seeds"], smaller["seeds"])
    print(f"{smaller['name']} -> {bigger['name']}: {bigger['parameters'] / smaller['parameters']:4.1f}x parameters, "
          f"validation accuracy {gain}")
    return gain


first_gain = compare(by_name["f8 k3"], by_name["f16 k3"])
second_gain = compare(by_name["f16 k3"], by_name["f32 k3"])
compare(by_name["f16 k3"], by_name["f16 k5"])
# Does the second doubling buy less than the first? The difference of the two gains, with its own interval:
shrink = stats.contrast([by_name[n]["seeds"] for n in ("f8 k3", "f16 k3", "f32 k3")], [-1, 2, -1])
print(f"first gain minus second gain: {shrink}")
results.record(first_doubling_gain=first_gain.difference, second_doubling_gain=second_gain.difference, claims={
    "doublings_gain": (first_gain.verdict == "higher" and second_gain.difference > 0,
                       "doubling the filters from 8 to 16 raises the validation accuracy beyond seed noise, and from "
                       "16 to 32 it still raises the mean"),
})

# %% [markdown]
# Each doubling of the filters costs about 3.5 to 4 times the parameters. The first bought accuracy beyond seed
# noise; the second raised the mean too, but its interval can reach 0 (in our run it stayed above; with one of the
# seeds of our study it did not), so 3 seeds cannot always confirm that it pays. Did the second buy less than the
# first? In our run its gain was smaller,
# 0.035<!-- value: second_doubling_gain --> against 0.055<!-- value: first_doubling_gain -->, but the last line
# gives that difference with its interval: when it straddles 0, as it can with 3 seeds, the data cannot confirm
# diminishing returns, only suggest them. More seeds, or a third doubling, would settle it. Now the recommendation:
# the smallest configuration whose mean reaches the target, and the configurations we cannot tell apart from it.

# %%
reaching = [r for r in runs if r["val accuracy"] >= target]
results.claim("a_configuration_reaches_target", bool(reaching),
              f"at least one configuration reaches a mean validation accuracy of {target}")
if reaching:
    smallest = min(reaching, key=lambda r: r["parameters"])
    tied = [r["name"] for r in runs
            if r is not smallest and stats.welch(r["seeds"], smallest["seeds"]).verdict == "within noise"]
    sure = stats.mean_interval(smallest["seeds"])
    print(f"{len(reaching)} of {len(runs)} configurations reach {target}: {', '.join(r['name'] for r in reaching)}")
    print(f"recommended: {smallest['name']}, {smallest['parameters']:,} parameters, validation accuracy "
          f"{smallest['val accuracy']:.4f}, 95% t-interval of the mean {sure.low:.4f} to {sure.high:.4f}")
    print(f"the interval {'stays above' if sure.low >= target else 'reaches below'} the target {target}")
    print(f"within seed noise of it: {', '.join(tied) or 'none'}")
    results.expect("recommended_val_accuracy", smallest["val accuracy"], full=(0.82, 1.0))

# %% [markdown]
# How sure is this? The recommendation is the smallest configuration whose *mean* over 3 seeds reaches the target.
# Its interval, printed above, says how far that mean may be off: when it reaches below the target (the figure's
# bar crosses the dotted line), another set of seeds could well put it under, so "it meets the target" is a
# best guess, not a guarantee. The line "within seed noise" lists the configurations whose difference from it has
# an interval that straddles 0: these 3 seeds cannot rank them against it.
# With another budget (more images or epochs) every accuracy rises and the
# ranking can change; rerun the grid with the budget you will really train with. Filters are not the only knob:
# notebook 03 gets its accuracy from all the data, more epochs, dropout and a larger head.

# %% [markdown]
# ## 7. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb04 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** Write `conv_parameters(kernel, channels_in, filters)`: the parameter count of a
# `Conv2D(filters, (kernel, kernel))` layer whose input has `channels_in` channels. Check it against the table
# above.

# %%
def conv_parameters(kernel, channels_in, filters):
    ...  # your code here


ex.q1.check(conv_parameters)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** In `build_cnn`, you double `filters` (say from 32 to 64). By what factor do the *weights* of the
# second `Conv2D` grow?

# %%
growth = ...  # a number

ex.q2.check(growth)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Another grid gave these results. Which configuration do you recommend as the cheapest that
# reaches 0.90 validation accuracy? Answer with its letter.

# %% tags=["nbval-check-output"]
for name, (parameters, seconds, accuracy) in ex.RESULTS.items():
    print(f"{name}: {parameters:>8,} parameters, {seconds:>5.0f} s, validation accuracy {accuracy:.3f}")

# %%
recommendation = ...  # "A", "B", "C" or "D"

ex.q3.check(recommendation)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. A configuration of your own, ranked honestly.** A real experiment, about 40 s in full mode
# for a configuration as small as the grid's. Choose `(filters, kernel_size, blocks)` that the notebook did not
# run, for example between f16 and f32. The next cell trains it with the grid's recipe and all its seeds, then
# compares it with f16 k3, the grid's middle row, with a 95% t-interval, as section 6 does.

# %% tags=["stretch-answer"]
my_configuration = ...  # (filters, kernel_size, blocks)

# %%
my_summary = None
reference = by_name["f16 k3"]
if ex.stretch.ready(my_configuration):
    my_filters, my_kernel, my_blocks = my_configuration
    seed_runs = [train_and_measure(my_filters, my_kernel, my_blocks, seed) for seed in seeds]
    my_summary = summarise(f"f{my_filters} k{my_kernel} b{my_blocks}", seed_runs,
                           filters=my_filters, kernel=my_kernel, blocks=my_blocks)
    compare(reference, my_summary)

# %% [markdown]
# Is your configuration's mean validation accuracy `"higher"`, `"lower"` or `"about the same"` as f16 k3's?
# "About the same" means that the 95% t-interval of the difference, printed by the cell above, straddles 0: the
# seeds cannot rank them.

# %% tags=["stretch-answer"]
my_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(my_verdict, configuration=my_configuration, summary=my_summary, reference=reference)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - A convolution's weights grow with kernel² × input channels × filters: doubling the filters of stacked layers
#   quadruples the inner layers' weights and roughly their multiply-adds.
# - Compare configurations with one recipe, several seeds and one validation set, and record what each costs.
#   With 3 seeds use t-intervals (t = 4.3 for 2 degrees of freedom, not 2): a difference whose interval straddles
#   0 is within noise.
# - Change one thing at a time: `GlobalAveragePooling2D` keeps the classifier's input fixed when depth changes.
# - Each doubling of the filters cost 3.5 to 4 times the parameters; the first bought accuracy beyond seed noise,
# the second raised the mean, and whether it bought less than the first, 3 seeds could only suggest. Recommend the
# cheapest configuration that meets the target, say how sure that is, and name the ones you cannot tell apart from
# it.
#
# **Next: [05 · feature maps](05_feature_maps.ipynb)** opens a trained CNN and shows what its filters respond to.
