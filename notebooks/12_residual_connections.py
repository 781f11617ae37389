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
# # 12 · Residual connections: why depth stopped hurting
# <!-- course-map: Residual connections | LeNet-5, a VGG block and a ResNet block measured (parameters,
# multiply-adds); a 20-layer plain CNN against the same layers with identity shortcuts: signal and gradient layer by
# layer at initialisation over 5 seeds, training losses over 3 with t-intervals; what a 2-core run cannot show; write
# a bottleneck block. -->
#
# **Why this matters.** Notebook 04 stopped at 4 blocks. For years, CNNs stopped there too: stacking more plain
# layers made networks *worse*, even on their training data. Residual connections (He et al., 2015), a shortcut
# that adds a block's input to its output, fixed that, and they are in nearly every vision model since. Here you
# measure the problem and the fix yourself, on Fashion-MNIST, and write a ResNet block.
#
# *CNNs, hands-on* · going further, notebook 12 · previous: [**11 · a CNN from scratch**](11_cnn_from_scratch.ipynb)
# · next: [**13 · what the model looks at**](13_what_the_model_looks_at.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/12_residual_connections.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/12_residual_connections.ipynb)

# %% [markdown]
# ## You will learn
#
# - a short, measured survey: LeNet-5, a VGG block and a ResNet basic block, their parameters and multiply-adds,
#   and what each idea changed;
# - the *degradation problem*: a deeper plain CNN that trains worse than a shallow one;
# - how a residual block works, `y = relu(F(x) + x)`, and the 1×1 projection when the shape changes;
# - why shortcuts help, measured: gradient norms layer by layer at initialisation, and training losses over seeds;
# - what a 2-core budget can and cannot show about very deep networks.

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
# ## 1. Three ideas in twenty years: a measured survey
#
# Three milestones, each built here at Fashion-MNIST's size (28×28, one channel, 10 classes), with its parameters
# and its multiply-adds per image counted by `course_utils.costs` (the work that dominates training time):
#
# - **LeNet-5** (LeCun et al., 1998): convolution, subsampling (average pooling), convolution, subsampling, then
#   dense layers. 5×5 kernels, `tanh`. The idea: local receptive fields and shared weights.
# - **A VGG block** (Simonyan and Zisserman, 2014): two 3×3 convolutions, then max pooling. Two stacked 3×3
#   layers see a 5×5 patch, as one 5×5 layer does, with `2·9 = 18` weights per channel pair instead of 25 and one
#   more non-linearity. The idea: depth from small kernels.
# - **A ResNet basic block** (He et al., 2015): two 3×3 convolutions with BatchNorm, whose output is *added* to the
#   block's input through a shortcut, `y = relu(F(x) + x)`. The idea: each block learns a correction `F(x)` to the
#   identity, so a block that has nothing to add can pass its input on unchanged.

# %%
def build_lenet5() -> keras.Model:
    """(extra code) LeNet-5 at 28x28: Conv(6, 5x5) -> AvgPool -> Conv(16, 5x5) -> AvgPool -> Dense 120, 84, 10"""
    return keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(6, 5, padding="same", activation="tanh"), keras.layers.AveragePooling2D(2),
        keras.layers.Conv2D(16, 5, activation="tanh"), keras.layers.AveragePooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(120, activation="tanh"), keras.layers.Dense(84, activation="tanh"),
        keras.layers.Dense(10, activation="softmax")], name="LeNet-5")


def build_vgg_style() -> keras.Model:
    """(extra code) two VGG blocks (2 x Conv 3x3 then MaxPool; 32 and 64 filters), global pooling, Dense(10)"""
    layers = [keras.Input((28, 28, 1)), keras.layers.Rescaling(1 / 255)]
    for filters in (32, 64):
        layers += [keras.layers.Conv2D(filters, 3, padding="same", activation="relu"),
                   keras.layers.Conv2D(filters, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(2)]
    layers += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(layers, name="VGG-style")


def basic_block(x: object, filters: int, stride: int = 1) -> object:  # @save
    """ResNet's basic block: Conv-BN-ReLU-Conv-BN, plus the input (1x1 conv + BN projection if the shape changes)."""
    shortcut = x
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = keras.layers.ReLU()(keras.layers.BatchNormalization()(y))
    y = keras.layers.BatchNormalization()(keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    if stride != 1 or x.shape[-1] != filters:  # the shapes differ: project the input to the new shape
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        shortcut = keras.layers.BatchNormalization()(shortcut)
    return keras.layers.ReLU()(keras.layers.Add()([y, shortcut]))


def build_resnet_style() -> keras.Model:
    """(extra code) a stem Conv(32), two basic blocks (32, then 64 with stride 2), global pooling, Dense(10)"""
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(keras.layers.Rescaling(1 / 255)(inputs))
    x = basic_block(basic_block(x, 32), 64, stride=2)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs, name="ResNet-style")


survey = [build_lenet5(), build_vgg_style(), build_resnet_style()]
print(format_table([{"model": model.name, "layers with weights": sum(bool(layer.weights) for layer in model.layers),
                     "parameters": model.count_params(), "multiply-adds per image": costs.multiply_adds(model)}
                    for model in survey]))

# %% [markdown]
# LeNet-5 spends most of its 60,000-odd parameters in its dense layers; the two modern designs spend theirs in
# convolutions and end with global average pooling (notebook 09), so their dense part is tiny. They cost more
# multiply-adds per image, because their convolutions run at full resolution. A VGG stack of 3×3 layers is cheap
# per layer, but deep plain stacks are hard to train: that is the next section.

# %% [markdown]
# ## 2. The degradation problem, measured
#
# Take a plain CNN and make it deeper: more 3×3 layers of 8 filters on the same 7×7 maps. More layers can only
# help, one would think: the extra layers could learn the identity and leave the rest as it was. In practice,
# plain networks stop improving with depth and then get *worse*, on the training data too, so it is not
# overfitting. He et al. called it the degradation problem. This section shows its crudest form, which a 2-core
# budget can measure, and says at the end what it cannot show.
#
# Our two families differ in one thing only. Both have a stem (a 3×3 convolution of 8 filters, then two 2×2
# poolings, 28 → 7), then `depth` convolution layers, then global average pooling and a dense layer:
#
# - **plain**: `depth` layers of `Conv2D(8, 3×3) + ReLU`, one after the other;
# - **residual**: the same `depth` layers, grouped in pairs, and each pair wrapped in an identity shortcut:
#   `x ← relu(x + conv(relu(conv(x))))`. Identity shortcuts add no parameters.
#
# No BatchNorm in either, so that the shortcut is the only difference (ResNets use both; section 1's block shows
# where BatchNorm goes). Same initialisation (Keras's Glorot uniform), same optimiser.

# %%
def deep_cnn(depth: int, residual: bool, filters: int = 8) -> keras.Model:  # @save
    """Stem (Conv 3x3, 2 max pools: 28 -> 7), `depth` Conv 3x3 + ReLU (paired with shortcuts if residual), GAP."""
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(keras.layers.Rescaling(1 / 255)(inputs))
    x = keras.layers.MaxPooling2D(2)(keras.layers.MaxPooling2D(2)(x))
    for _ in range(depth // 2 if residual else depth):
        if residual:
            y = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
            y = keras.layers.Conv2D(filters, 3, padding="same")(y)
            x = keras.layers.ReLU()(keras.layers.Add()([x, y]))
        else:
            x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs, name=f"{'residual' if residual else 'plain'}-{depth}")


DEEP = 20
for model in (deep_cnn(DEEP, residual=False), deep_cnn(DEEP, residual=True)):
    print(f"{model.name}: {model.count_params():,} parameters, {costs.multiply_adds(model):,} multiply-adds per image")

# %% [markdown]
# ### 2a. At initialisation: how much signal gets through
#
# Before any training, push one batch of 256 training images through each network and measure two things at each
# of the `depth` convolution layers:
#
# - **forward**: the standard deviation of the layer's output over the batch, the size of the signal it passes on;
# - **backward**: with `tf.GradientTape`, the size (L2 norm) of the loss's gradient with respect to the layer's
#   kernel: how strongly the first training step will change it.
#
# With Keras's default initialisation (Glorot uniform), a 3×3 convolution followed by ReLU passes on a signal a
# little smaller than it receives. In a plain stack that shrinking compounds, layer after layer. A shortcut adds a
# path on which the signal passes unchanged, `x + F(x)`, and backwards the gradient too: `∂(x + F(x))/∂x = 1 + ∂F/∂x`.

# %%
(train_images, train_labels), _ = data.load_fashion_mnist()
train_images, train_labels = train_images[:5_000, ..., np.newaxis], train_labels[:5_000]  # a 2-core budget
fit_images, fit_labels = mode.subset(train_images, train_labels, fast=1_000)
probe_images, probe_labels = fit_images[:256], fit_labels[:256]


def layer_by_layer(model: keras.Model) -> tuple[np.ndarray, np.ndarray]:
    """(output std, kernel-gradient norm) of each Conv2D after the stem, input to output, on the probe batch."""
    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)][1:]
    outputs = keras.Model(model.input, [layer.output for layer in convolutions])(probe_images)
    with tf.GradientTape() as tape:
        predictions = model(probe_images, training=True)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(probe_labels, predictions))
    gradients = tape.gradient(loss, [layer.kernel for layer in convolutions])
    return (np.array([float(tf.math.reduce_std(output)) for output in outputs]),
            np.array([float(tf.norm(gradient)) for gradient in gradients]))


gradient_seeds = mode.by_mode(full=[SEED + i for i in range(5)], fast=[SEED, SEED + 1])
signal = {"plain": [], "residual": []}
gradient = {"plain": [], "residual": []}
for seed in gradient_seeds:
    for kind in signal:
        keras.utils.set_random_seed(seed)
        stds, norms = layer_by_layer(deep_cnn(DEEP, residual=kind == "residual"))
        signal[kind].append(stds)
        gradient[kind].append(norms)
for kind in signal:
    kept = [run[-1] / run[0] for run in signal[kind]]
    typical = [np.median(run) for run in gradient[kind]]
    print(f"{kind:<8}: signal at layer {DEEP} / layer 1: " + ", ".join(f"{value:.2g}" for value in kept)
          + " | median kernel gradient: " + ", ".join(f"{value:.2g}" for value in typical))

# %%
# (extra code) draws both measurements layer by layer, one line per seed, each panel on a log scale
figure, (signal_axis, gradient_axis) = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
for kind, colour, marker in (("plain", "C3", "o"), ("residual", "C0", "s")):
    for index, (stds, norms) in enumerate(zip(signal[kind], gradient[kind], strict=True)):
        label = f"{kind}-{DEEP}" if index == 0 else None
        signal_axis.plot(np.arange(1, DEEP + 1), stds, color=colour, marker=marker, markersize=3, alpha=0.7,
                         label=label)
        gradient_axis.plot(np.arange(1, DEEP + 1), norms, color=colour, marker=marker, markersize=3, alpha=0.7,
                           label=label)
signal_axis.set(yscale="log", ylabel="output std over the batch", title="Forward: the signal each layer passes on")
gradient_axis.set(yscale="log", ylabel="kernel gradient norm", title="Backward: the gradient each layer gets")
for axis in (signal_axis, gradient_axis):
    axis.set_xlabel("convolution layer after the stem (1 = nearest the input)")
    axis.legend()
    axis.grid(alpha=0.3)
figure.suptitle(f"At initialisation, {len(gradient_seeds)} seeds")
figure.tight_layout()
plt.show()

# %%
plain_kept = np.array([run[-1] / run[0] for run in signal["plain"]])
residual_kept = np.array([run[-1] / run[0] for run in signal["residual"]])
gradient_ratio = np.array([np.median(r) / np.median(p) for r, p in zip(gradient["residual"], gradient["plain"],
                                                                         strict=True)])
plain_first_to_last = np.array([run[0] / run[-1] for run in gradient["plain"]])
results.record(
    plain_signal_kept=float(np.median(plain_kept)),
    residual_signal_kept=float(np.median(residual_kept)),
    gradient_ratio_residual_to_plain=float(np.min(gradient_ratio)),
    claims={
        "plain_signal_vanishes": (
            all(plain_kept < 0.01),
            f"in the plain network, less than 1% of layer 1's signal is left at layer {DEEP}, for every seed"),
        "shortcuts_keep_the_signal": (
            all(residual_kept > 0.3),
            f"with shortcuts, layer {DEEP}'s signal is at least 30% of layer 1's, for every seed"),
        "shortcuts_keep_the_gradient": (
            all(gradient_ratio > 100),
            "the residual network's typical kernel gradient is over 100 times the plain one's, for every seed"),
        "plain_gradient_is_flat": (
            all((plain_first_to_last > 0.1) & (plain_first_to_last < 10)),
            f"in the plain network, layer 1's gradient is within a factor of 10 of layer {DEEP}'s, for every seed"),
    },
)

# %% [markdown]
# In the plain network the signal shrinks layer after layer: by layer 20, a fraction of about
# 0.00004<!-- value: plain_signal_kept --> of layer 1's is left (median over the seeds), so the network's output
# barely depends on its input, and every layer's gradient is tiny: the residual network's typical kernel gradient
# was larger by a factor of at least 31,311<!-- value: gradient_ratio_residual_to_plain --> on every seed. With
# shortcuts, the signal arrives whole (median 1.8<!-- value: residual_signal_kept --> times layer 1's). Notice what
# the plain network's problem is *not*: its first layer does not get much less gradient than its last (its
# gradient line is nearly flat, far below the other); all of its layers get almost none.

# %% [markdown]
# ### 2b. Training: plain 4, plain 20, residual 20
#
# Now train. One recipe for every network: Adam with a cosine schedule from 0.003, batches of 64, 2 epochs on
# 5,000 training images, over 3 seeds. What matters here is the **training** loss: degradation is a failure to fit
# the training data, not a failure to generalise. Two questions: does the plain network get worse with depth (plain
# 20 against plain 4), and do shortcuts remove that (residual 20 against plain 20)?
#
# *Bookkeeping for speed:* Keras traces a model's training step the first time it trains, about 10 s for 20 layers
# on 2 cores. Each architecture is compiled once; for each seed it gets the starting weights of a freshly built
# model (`set_weights`) and a fresh optimiser state, which trains exactly as a new model would, without tracing
# again.

# %%
from course_utils.models import compile_with_cosine  # notebook 02's training recipe


def fresh_start(model: keras.Model, depth: int, residual: bool, seed: int) -> None:
    """(extra code) a compiled model's weights as deep_cnn builds them for `seed`, and its optimiser state reset"""
    keras.utils.set_random_seed(seed)
    model.set_weights(deep_cnn(depth, residual).get_weights())
    for variable in model.optimizer.variables:  # Adam's step count and moment estimates
        variable.assign(tf.zeros_like(variable))
    keras.utils.set_random_seed(seed)  # the same shuffling as a new model's


epochs = mode.by_mode(full=2, fast=1)
seeds = mode.by_mode(full=[SEED, SEED + 1, SEED + 2], fast=[SEED, SEED + 1])
networks = {"plain-4": (4, False), f"plain-{DEEP}": (DEEP, False), f"residual-{DEEP}": (DEEP, True)}
losses: dict[str, list[float]] = {name: [] for name in networks}
seconds: dict[str, list[float]] = {name: [] for name in networks}
with Timer() as training_time:
    for name, (depth, residual) in networks.items():
        model = deep_cnn(depth, residual)
        steps = epochs * int(np.ceil(len(fit_images) / 64))
        compile_with_cosine(model, rate=0.003, steps=steps, metrics=False, steps_per_execution=8)
        for seed in seeds:
            fresh_start(model, depth, residual, seed)
            with Timer() as one:
                history = model.fit(fit_images, fit_labels, epochs=epochs, batch_size=64, verbose=0)
            losses[name].append(history.history["loss"][-1])  # mean training loss over the last epoch
            seconds[name].append(one.seconds)
        print(f"{name:<12} training loss " + ", ".join(f"{loss:.3f}" for loss in losses[name])
              + " (seconds per training: " + ", ".join(f"{t:.1f}" for t in seconds[name]) + ")", flush=True)
print(f"{len(networks) * len(seeds)} trainings in {training_time}; chance level is ln 10 = {np.log(10):.3f}")

# %% [markdown]
# Each comparison as a Welch 95% t-interval of the difference in mean training loss. With 3 seeds the t value is
# large, so only clear differences count; and how far the residual network gets in 2 epochs varies a lot from
# seed to seed (the printout shows its three losses), which widens its intervals:

# %%
degradation = stats.welch(losses[f"plain-{DEEP}"], losses["plain-4"])
fix = stats.welch(losses[f"residual-{DEEP}"], losses[f"plain-{DEEP}"])
versus_shallow = stats.welch(losses[f"residual-{DEEP}"], losses["plain-4"])
print(f"plain-{DEEP} - plain-4:      {degradation}")
print(f"residual-{DEEP} - plain-{DEEP}:  {fix}")
print(f"residual-{DEEP} - plain-4:   {versus_shallow}")
mean_loss = {name: float(np.mean(values)) for name, values in losses.items()}
# The first training of each network includes tracing its step: compare the others (all of them in fast mode).
later = {name: runs[1:] or runs for name, runs in seconds.items()}
results.record(
    **{f"loss_{name.replace('-', '_')}": mean_loss[name] for name in networks},
    residual_time_ratio=np.mean(later[f"residual-{DEEP}"]) / np.mean(later[f"plain-{DEEP}"]),
    claims={
        "deeper_plain_trains_worse": (mean_loss[f"plain-{DEEP}"] > mean_loss["plain-4"] + 0.3,
                                      f"plain-{DEEP}'s mean training loss is more than 0.3 above plain-4's"),
        "shortcuts_train_better": (mean_loss[f"residual-{DEEP}"] < mean_loss[f"plain-{DEEP}"] - 0.2,
                                   f"residual-{DEEP}'s mean training loss is more than 0.2 below plain-{DEEP}'s"),
    },
)

# %% [markdown]
# The deeper plain network fits its own training data worse than the shallow one: on average it ends at or near
# the chance level (mean loss 2.30<!-- value: loss_plain_20 -->; chance, ln 10, is 2.303), while plain-4 learns
# (1.5<!-- value: loss_plain_4 -->). The same depth with identity shortcuts learns (mean
# 1.4<!-- value: loss_residual_20 -->). Both gaps are large, but so is the spread between seeds (a plain-20 run now
# and then starts to learn; residual-20 gets further on some seeds than others), so read the t-intervals above for
# what 3 seeds can resolve in your run. The shortcuts cost no parameters, and little time: the additions are cheap
# next to the convolutions (compare the seconds printed for each training above; the first training of each
# network also includes tracing its step).
#
# **What this short run cannot show.** Without BatchNorm, our plain 20-layer network fails in the crudest way: its
# signal dies at initialisation, and in 158 steps it rarely recovers. He et al. found something subtler and more
# surprising: *with* BatchNorm, which keeps every layer's signal alive, plain networks of 34 layers still trained
# worse than plain networks of 18, over tens of thousands of steps, while residual networks kept improving with
# depth, on test data too. Reproducing that needs BatchNorm in both families, far deeper networks and runs hundreds
# of times longer than a 2-core notebook allows.

# %% [markdown]
# ## 3. Common mistake: a shortcut that skips a change of shape
#
# An identity shortcut adds `x` to `F(x)`, so both must have the same shape. When a block halves the resolution
# (stride 2) or changes the number of channels, a plain `x` no longer fits, and Keras refuses to add them. The fix
# is the **projection shortcut** of section 1's `basic_block`: a 1×1 convolution with the block's stride and
# filters (and BatchNorm), which reshapes `x` at the cost of `C_in × C_out` weights.

# %%
inputs = keras.Input((8, 8, 16))
branch = keras.layers.Conv2D(32, 3, strides=2, padding="same")(inputs)  # F(x): 4x4x32
try:
    keras.layers.Add()([branch, inputs])  # x: 8x8x16
except ValueError as error:
    print("Keras refuses:", str(error).splitlines()[0][:160])
fixed = basic_block(inputs, 32, stride=2)
print("with the projection shortcut:", inputs.shape[1:], "->", fixed.shape[1:])

# %% [markdown]
# A subtler version of the same mistake does not raise: a block whose channels match but whose *meaning* changed
# (for example an input normalised differently) still adds fine. The shapes are the only thing Keras can check.

# %% [markdown]
# ## 4. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb12 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** How many parameters (trainable and not) does `basic_block(x, 64, stride=2)` have when `x` has 32
# channels? Count every Conv2D kernel (no biases) and every BatchNormalization's 4 numbers per channel.

# %%
block_parameters = ...  # a whole number

ex.q1.check(block_parameters)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2. The bottleneck block.** Deeper ResNets (50 layers and more) use a cheaper block: a 1×1 convolution
# that reduces the channels to `filters`, a 3×3 convolution (with the block's stride), and a 1×1 convolution that
# expands them to `4 * filters`, each followed by BatchNorm, with ReLU after the first two. The shortcut is the
# identity when the input already has `4 * filters` channels and the stride is 1, otherwise a 1×1 projection (with
# the stride) and BatchNorm. Add, then ReLU. Write `bottleneck_block(x, filters, stride=1)` with the functional API.

# %%
def bottleneck_block(x, filters, stride=1):
    ...  # your code here


ex.q2.check(bottleneck_block)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Both convolutions of a residual block `relu(x + conv(relu(conv(x))))` have all their weights and
# biases at zero. What does the block output for an input `x` whose values are all ≥ 0 (it came out of a ReLU)?
# (a) zeros, (b) `x` itself, (c) `2x`. Answer with a letter.

# %%
zero_block_output = ...  # "a", "b" or "c"

ex.q3.check(zero_block_output)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Deeper still.** Section 2a measured, at depth 20, how much of layer 1's signal is left at
# the last layer of the plain network (`plain_kept`, one ratio per seed). Measure the same for a plain network of
# depth 40 over the same seeds (`gradient_seeds`), with `layer_by_layer`, and keep the ratios in `deeper_ratios`.

# %% tags=["stretch-answer"]
deeper_ratios = ...  # one ratio (layer 40's output std / layer 1's) per seed in gradient_seeds
deeper_model = ...  # the last depth-40 plain model you measured

# %% [markdown]
# Compared on a log scale (the ratios span powers of ten), is the median ratio at depth 40 `"higher"`, `"lower"` or
# `"about the same"` as at depth 20? Count a difference within ±0.5 of a power of ten (a factor of about 3) as the
# same.

# %% tags=["stretch-answer"]
deeper_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(deeper_verdict, ratios=deeper_ratios, baseline=plain_kept, model=deeper_model)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - LeNet-5 put convolution and pooling before dense layers; VGG built depth from stacks of 3×3 layers; ResNet
#   added shortcuts, `y = relu(F(x) + x)`, so that a block only has to learn a correction to the identity.
# - Plain stacks degrade: on average over 3 seeds, our 20-layer plain CNN (no BatchNorm) stayed at or near chance
#   on its training data while a 4-layer one learned; at initialisation its signal faded layer after layer and
#   every layer's gradient was tiny.
# - Identity shortcuts, with the same layers and no extra parameters, kept the signal and the gradient alive, and
#   the network learned, by an amount that varied from seed to seed; the cost was a little time for the
#   additions. Where the shape changes, a 1×1
#   projection shortcut costs `C_in × C_out` weights.
# - Two epochs on 5,000 images show the mechanism, not the textbook result: plain networks degrading even with
#   BatchNorm, and residual networks improving with depth on test data, need far deeper models and runs hundreds
#   of times longer.
#
# **Next: [13 · what the model looks at](13_what_the_model_looks_at.ipynb)** asks which pixels drove a trained
# network's prediction, and how far to trust the answer.
