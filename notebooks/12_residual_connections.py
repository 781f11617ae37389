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
# multiply-adds); a 20-layer plain CNN against He initialisation, BatchNorm and identity shortcuts: signal, gradient
# and Adam's first step layer by layer at initialisation over 3 seeds, training losses over 3 with t-intervals;
# vanishing signal told apart from degradation, and what a 2-core run cannot show; write a bottleneck block. -->
#
# **Why this matters.** Notebook 04 stopped at 4 blocks. By 2014, VGG (up to 19 layers with weights) and GoogLeNet
# (22) had shown that depth pays, but stacking still more plain layers made networks *worse*, even on their
# training data. Residual connections (He et al., 2015), a shortcut that adds a block's input to its output, fixed
# that, and they are in nearly every vision model since. Here you measure the problem and the fix yourself, on
# Fashion-MNIST, tell it apart from a cruder failure that looks the same, and write a ResNet block.
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
# - two ways a deep plain CNN fails: a *vanishing signal* at initialisation, which He initialisation or BatchNorm
#   fixes, and the *degradation problem*, a deeper plain network with a healthy signal that trains no better, or
#   worse, than a shallow one;
# - how a residual block works, `y = relu(F(x) + x)`, the pre-activation variant, and the 1×1 projection when the
#   shape changes;
# - why shortcuts help, measured: signal, gradients and Adam's first step layer by layer at initialisation, and
#   training losses over seeds, each network changing one thing;
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
with_weights = (keras.layers.Conv2D, keras.layers.Dense)  # BatchNormalization's scale and shift are not counted
print(format_table([{"model": model.name,
                     "layers with weights": sum(isinstance(layer, with_weights) for layer in model.layers),
                     "parameters": model.count_params(), "multiply-adds per image": costs.multiply_adds(model)}
                    for model in survey]))

# %% [markdown]
# "Layers with weights" counts convolutions and dense layers, as the papers do when they name a depth (VGG-19,
# ResNet-50); BatchNorm layers have weights too but are not counted. (ResNet-50's 50 also leaves out its 1×1
# projection shortcuts, which this table counts.)
#
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
# overfitting. He et al. (2015, *Deep residual learning for image recognition*) called it the **degradation
# problem**. Their plain networks already had what keeps a signal alive through many layers (BatchNorm after every
# convolution, and the initialisation below), and they checked that the gradients did not vanish either:
# degradation is what remained *despite* that.
#
# A deep plain network can fail for a cruder reason first: its signal fades away before training starts. This
# section tells the two apart. All networks share one design: a stem (a 3×3 convolution of 8 filters, then two 2×2
# poolings, 28 → 7), then `depth` convolution layers, then global average pooling and a dense layer. A name such as
# plain-20 counts the `depth` convolutions after the stem: with the stem and the dense layer, plain-20 has 22 layers
# with weights. Three switches change one thing each:
#
# - **shortcuts**: plain, `depth` layers of `Conv2D(8, 3×3) + ReLU` one after the other; or residual, the same
#   layers grouped in pairs, each pair wrapped in an identity shortcut, `x ← relu(x + conv(relu(conv(x))))`.
#   Identity shortcuts add no parameters.
# - **initialisation**: Keras's default, *Glorot uniform*, draws each weight with variance `2 / (fan_in + fan_out)`,
#   where `fan_in` is the number of inputs each output of the layer reads and `fan_out` the number of outputs each
#   input feeds; here both are `3·3·8 = 72` (a 3×3 convolution from 8 channels to 8), so the variance is `1 / 72`.
#   **He initialisation** (He et al., 2015, *Delving deep into rectifiers*; Keras's `"he_normal"`) draws them with
#   variance `2 / fan_in`, twice as much. Why: a ReLU zeroes about half of its input, which halves the signal's
#   power on average, and the factor 2 gives it back, so on average the signal keeps its size from layer to layer
#   (any one random network still drifts up or down; section 2a measures how far).
# - **BatchNorm**: each convolution (without bias) followed by BatchNormalization, then ReLU, as in section 1's
#   block. BatchNorm rescales every layer's output over the batch, so the signal keeps its size whatever the
#   weights.
#
# Each comparison below changes one switch, or the depth, and nothing else.

# %%
def deep_cnn(depth: int, residual: bool, filters: int = 8, *, initializer: str = "glorot_uniform",  # @save
             batchnorm: bool = False) -> keras.Model:
    """Stem (Conv 3x3, 2 max pools: 28 -> 7), `depth` Conv 3x3 (+ BN) + ReLU, shortcuts around pairs if residual."""
    def convolution(x: object, relu: bool = True) -> object:
        """Conv 3x3, then ReLU (or BatchNorm, then ReLU); `relu=False` leaves the ReLU out."""
        if not batchnorm:
            return keras.layers.Conv2D(filters, 3, padding="same", activation="relu" if relu else None,
                                       kernel_initializer=initializer)(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer=initializer)(x)
        x = keras.layers.BatchNormalization()(x)
        return keras.layers.ReLU()(x) if relu else x

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                            kernel_initializer=initializer)(keras.layers.Rescaling(1 / 255)(inputs))
    x = keras.layers.MaxPooling2D(2)(keras.layers.MaxPooling2D(2)(x))
    for _ in range(depth // 2 if residual else depth):
        if residual:
            x = keras.layers.ReLU()(keras.layers.Add()([x, convolution(convolution(x), relu=False)]))
        else:
            x = convolution(x)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.GlobalAveragePooling2D()(x))
    name = f"{'residual' if residual else 'plain'}-{depth}" + ("-he" if initializer == "he_normal" else "")
    return keras.Model(inputs, outputs, name=name + ("-bn" if batchnorm else ""))


DEEP = 20
for model in (deep_cnn(DEEP, residual=False), deep_cnn(DEEP, residual=True),
              deep_cnn(DEEP, residual=False, batchnorm=True)):
    print(f"{model.name}: {model.count_params():,} parameters, {costs.multiply_adds(model):,} multiply-adds per image")

# %% [markdown]
# (He initialisation changes the starting weights, not the architecture: plain-20 with He has plain-20's
# parameters. BatchNorm drops the convolutions' biases and adds 4 numbers per channel.)
#
# ### 2a. At initialisation: how much signal gets through
#
# Before any training, push one batch of 256 training images through four 20-layer networks (plain with Glorot,
# plain with He, plain with BatchNorm, residual with Glorot), built with 3 seeds each, and measure three things at
# each of the 20 convolution layers after the stem:
#
# - **forward**: the standard deviation of the convolution's output, over all the values of the batch's maps
#   (images, positions and channels). That is the output of the `Conv2D` layer itself, so it is taken at a
#   different point in each network: after the ReLU in plain Glorot and He (the ReLU sits inside the `Conv2D`),
#   *before* BatchNorm in plain BN, and, in the residual network, on the branch `F(x)` before the addition. It
#   shows whether the convolutions still produce a signal of a useful size, not exactly what each layer hands on.
#   (In training mode, so that BatchNorm normalises with the batch's statistics, as it does in training.)
# - **backward**: with `tf.GradientTape`, the size (L2 norm) of the loss's gradient with respect to the layer's
#   kernel;
# - **the first Adam step**: what that gradient does to the weights. The networks train with Adam, which divides
#   each weight's gradient by a running estimate of its own size; take one Adam step with the training's learning
#   rate (0.003) and measure the mean change of each kernel's weights, as a fraction of the learning rate.
#
# With Glorot, a 3×3 convolution followed by ReLU passes on a signal a little smaller than it receives; in a plain
# stack that shrinking compounds, layer after layer. A shortcut adds a path on which the signal passes unchanged,
# `x + F(x)`, and backwards the gradient too: `∂(x + F(x))/∂x = 1 + ∂F/∂x`.

# %%
(train_images, train_labels), _ = data.load_fashion_mnist()
train_images, train_labels = train_images[:5_000, ..., np.newaxis], train_labels[:5_000]  # a 2-core budget
fit_images, fit_labels = mode.subset(train_images, train_labels, fast=1_000)
probe_images, probe_labels = fit_images[:256], fit_labels[:256]


def measure_at_start(model: keras.Model, rate: float = 0.003) -> dict[str, np.ndarray]:
    """Per Conv2D after the stem, input to output, on the probe batch: output std ("signal"), kernel-gradient
    norm ("gradient"), mean |gradient| per weight ("per weight"), one Adam step's mean |change| / rate ("step")."""
    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)][1:]
    kernels = [layer.kernel for layer in convolutions]
    probe = keras.Model(model.input, [layer.output for layer in convolutions] + [model.output])
    with tf.GradientTape() as tape:
        *outputs, predictions = probe(probe_images, training=True)  # training: BatchNorm uses the batch's statistics
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(probe_labels, predictions))
    gradients = tape.gradient(loss, kernels)
    before = [kernel.numpy() for kernel in kernels]
    keras.optimizers.Adam(rate).apply_gradients(zip(gradients, kernels, strict=True))  # the first training step
    return {"signal": np.array([float(tf.math.reduce_std(output)) for output in outputs]),
            "gradient": np.array([float(tf.norm(gradient)) for gradient in gradients]),
            "per weight": np.array([float(tf.reduce_mean(tf.abs(gradient))) for gradient in gradients]),
            "step": np.array([np.mean(np.abs(kernel.numpy() - old)) / rate
                              for kernel, old in zip(kernels, before, strict=True)])}


def layer_by_layer(model: keras.Model) -> tuple[np.ndarray, np.ndarray]:
    """(output std, kernel-gradient norm) of each Conv2D after the stem, input to output, on the probe batch."""
    measured = measure_at_start(model)
    return measured["signal"], measured["gradient"]


ARMS_AT_START = {"plain": {}, "plain He": {"initializer": "he_normal"}, "plain BN": {"batchnorm": True},
                 "residual": {"residual": True}}
gradient_seeds = mode.by_mode(full=[SEED * 10 + k for k in range(3)], fast=[SEED * 10, SEED * 10 + 1])
measured = {arm: [] for arm in ARMS_AT_START}  # one dict of layer-by-layer measurements per seed
for seed in gradient_seeds:
    for arm, options in ARMS_AT_START.items():
        keras.utils.set_random_seed(seed)
        measured[arm].append(measure_at_start(deep_cnn(DEEP, **{"residual": False, **options})))
signal, gradient, per_weight, step = ({arm: [run[key] for run in measured[arm]] for arm in ARMS_AT_START}
                                      for key in ("signal", "gradient", "per weight", "step"))
print(format_table([{
    "network (20 layers)": arm,
    f"conv output std, layer {DEEP} / layer 1 (per seed)": ", ".join(f"{run[-1] / run[0]:.2g}" for run in signal[arm]),
    "median kernel-gradient norm": f"{np.median(gradient[arm]):.2g}",
    "median |gradient| per weight": f"{np.median(per_weight[arm]):.2g}",
    "first Adam step / rate": f"{np.median(step[arm]):.2g}"} for arm in ARMS_AT_START]))

# %%
# (extra code) draws the three measurements layer by layer, one line per seed, each panel on a log scale
STYLE = {"plain": ("C3", "o"), "plain He": ("C1", "^"), "plain BN": ("C2", "D"), "residual": ("C0", "s")}
figure, axes = plt.subplots(1, 3, figsize=(15, 4), sharex=True)
for arm, (colour, marker) in STYLE.items():
    name = arm.replace(" ", f"-{DEEP} ") if " " in arm else f"{arm}-{DEEP}"  # "plain He" -> "plain-20 He"
    for index in range(len(gradient_seeds)):
        for axis, measured in zip(axes, (signal, gradient, step), strict=True):
            axis.plot(np.arange(1, DEEP + 1), measured[arm][index], color=colour, marker=marker, markersize=3,
                      alpha=0.6, label=name if index == 0 else None)
titles = ("Forward: the size of each convolution's output", "Backward: the gradient each layer gets",
          "What Adam makes of it: the first step")
labels = ("std of the conv output (before BN / the addition)", "kernel gradient norm",
          "mean weight change / learning rate")
for axis, title, label in zip(axes, titles, labels, strict=True):
    axis.set(yscale="log", ylabel=label, title=title, xticks=[1, 5, 10, 15, 20],
             xlabel="convolution layer after the stem (1 = nearest the input)")
    axis.grid(alpha=0.3)
axes[0].legend()
figure.suptitle(f"At initialisation, {len(gradient_seeds)} seeds")
figure.tight_layout()
plt.show()

# %%
kept = {arm: np.array([run[-1] / run[0] for run in signal[arm]]) for arm in ARMS_AT_START}
plain_kept = kept["plain"]  # one ratio per seed (the stretch exercise compares with it)
gradient_ratio = np.array([np.median(r) / np.median(p) for r, p in zip(gradient["residual"], gradient["plain"],
                                                                         strict=True)])
step_ratio = np.array([np.median(r) / np.median(p) for r, p in zip(step["residual"], step["plain"], strict=True)])
plain_first_to_last = np.array([run[0] / run[-1] for run in gradient["plain"]])
results.record(
    plain_signal_kept=float(np.median(kept["plain"])),
    he_signal_kept=float(np.median(kept["plain He"])),
    batchnorm_signal_kept=float(np.median(kept["plain BN"])),
    residual_signal_kept=float(np.median(kept["residual"])),
    gradient_ratio_residual_to_plain=float(np.min(gradient_ratio)),
    he_to_glorot_signal=float(np.median(kept["plain He"]) / np.median(kept["plain"])),
    plain_first_step=float(np.median(step["plain"])),
    residual_first_step=float(np.median(step["residual"])),
    step_ratio_residual_to_plain=float(np.max(step_ratio)),
    claims={
        "plain_signal_vanishes": (
            all(kept["plain"] < 0.01),
            f"in the plain network, less than 1% of layer 1's signal is left at layer {DEEP}, for every seed"),
        "he_keeps_the_signal": (
            all(kept["plain He"] > 10 * kept["plain"]),
            f"with He initialisation, layer {DEEP} keeps more than 10 times as much of layer 1's signal as with "
            "Glorot, for every seed"),
        "batchnorm_keeps_the_signal": (
            all(kept["plain BN"] > 0.3),
            f"with BatchNorm, layer {DEEP}'s convolution output std is at least 30% of layer 1's, for every seed"),
        "shortcuts_keep_the_signal": (
            all(kept["residual"] > 0.3),
            f"with shortcuts, layer {DEEP}'s convolution output std is at least 30% of layer 1's, for every seed"),
        "shortcuts_keep_the_gradient": (
            all(gradient_ratio > 100),
            "the residual network's typical kernel gradient is over 100 times the plain one's, for every seed"),
        "plain_gradient_is_flat": (
            all((plain_first_to_last > 0.1) & (plain_first_to_last < 10)),
            f"in the plain network, layer 1's gradient is within a factor of 10 of layer {DEEP}'s, for every seed"),
        "plain_gradients_below_epsilon": (
            all(np.median(run) < 3e-6 for run in per_weight["plain"]),
            "the plain network's typical gradient per weight is below 3e-6, Adam's effective epsilon at the first "
            "step, for every seed"),
        "he_signal_hundreds_of_times_glorot": (
            100 < np.median(kept["plain He"]) / np.median(kept["plain"]) < 10_000,
            "He initialisation's median signal at layer 20 is between 100 and 10,000 times Glorot's"),
        "adam_narrows_the_gap": (
            all(step_ratio < gradient_ratio / 30),
            "the factor between the residual and the plain network's first Adam steps is more than 30 times "
            "smaller than the factor between their gradients, for every seed"),
        "residual_steps_are_full": (
            all(np.median(run) > 0.5 for run in step["residual"]),
            "the residual network's typical first Adam step is more than half the learning rate, for every seed"),
    },
)

# %% [markdown]
# **Glorot, plain: the signal vanishes.** By layer 20 the convolution's output is about
# 0.0001<!-- value: plain_signal_kept --> of layer 1's in size (median over the seeds), so the network's output
# barely depends on its input, and every layer's gradient is tiny: the residual network's typical kernel gradient
# was larger by a factor of at least 65,289<!-- value: gradient_ratio_residual_to_plain --> on every seed. Notice
# what the problem is *not*: the first layer does not get much less gradient than the last (the red gradient line
# is nearly flat, far below the others); all of the layers get almost none.
#
# **Each fix keeps the convolutions' output at a useful size**, in its own way. He initialisation keeps the size
# only on average over random weights, and these networks still lose some: at layer 20 the output is a median
# 0.13<!-- value: he_signal_kept --> of layer 1's, yet 1,006<!-- value: he_to_glorot_signal --> times Glorot's
# median. That gain is the order a back-of-the-envelope count gives: He's weights are √2 times larger than Glorot's, so
# each layer's output is √2 times larger relative to its input, and over the 19 layers from layer 1 to layer 20
# that compounds to `√2^19 ≈ 700`. With BatchNorm, and with shortcuts, the last convolution's output is as large
# as the first's or larger (the table's per-seed ratios), without touching the initialisation. (Those two ratios
# are measured before a BatchNorm and on a branch before an addition, so a ratio above 1 does not mean that the
# network amplifies its signal: only that the convolutions late in the stack still receive, and produce, one.)
#
# **Under Adam, a far smaller gradient is not a far smaller step.** With plain gradient descent each weight moves
# by `rate × gradient`, and the plain network would barely move. Adam rescales each weight's gradient by a running
# estimate of that weight's gradient size, so a weight moves by about the learning rate whatever the size of its
# gradient: the residual network's typical first step was 0.97<!-- value: residual_first_step --> of the rate, and
# the plain network's gradients, at least 65,289<!-- value: gradient_ratio_residual_to_plain --> times smaller,
# gave first steps at most 95<!-- value: step_ratio_residual_to_plain --> times smaller. Steps shrink only where
# the gradients are below Adam's ε, a small constant that keeps the division safe: the plain network's first steps
# were 0.02<!-- value: plain_first_step --> of the rate (the right panel, layer by layer). What the small gradients
# do say is that the plain network's loss barely responds to its weights, because its signal has all but vanished.
#
# **Deep dive (optional): Adam's ε, and the ReLU after the addition.**
#
# *Why ε matters here.* For a gradient `g` not much larger than ε, the first step is about
# `rate × |g| / (|g| + ε)`, which shrinks with the gradient. Keras's ε is `1e-7`, but Keras adds it before
# correcting the early bias of Adam's running estimates, which makes it act larger at the start: at the first step
# as `1e-7 / √(1 − 0.999) ≈ 3e-6`, falling back towards `1e-7` over the first few thousand steps. The table's
# "median |gradient| per weight" column shows the plain network's gradients per weight below `3e-6` (the claim
# `plain_gradients_below_epsilon` checks it on every seed), which is why its steps shrank; the residual network's
# are thousands of times above it, which is why its steps were full. The reasoning of plain gradient descent, that
# a gradient so many times smaller moves the weights so many times less, does not hold under Adam.
#
# *The pre-activation block.* Our residual block, like the original ResNet's, applies a ReLU *after* the addition,
# `relu(x + F(x))`, so the gradient passes the shortcut only where `x + F(x) > 0`. He et al. (2016, *Identity
# mappings in deep residual networks*) found this mattered little at 164 layers but slowed training at 1,001. Their
# fix is the **pre-activation block**, which moves BatchNorm and ReLU *before* each convolution, `x + F(x)` with
# `F(x) = conv(relu(BN(conv(relu(BN(x))))))`, and puts nothing after the addition, so that the shortcut is a clean
# identity from the first block to the last. At 1,001 layers on CIFAR-10, the original block brought the training
# error down only slowly at first; the pre-activation block trained readily and reached a lower test error.
# (Exercise 3 asks what a ReLU after the addition would do in that design.)
#
# *End of the deep dive.*

# %% [markdown]
# ### 2b. Training: six networks, one recipe
#
# Now train. One recipe for every network: Adam with a cosine schedule from 0.003, batches of 64, 2 epochs on
# 5,000 training images (158 steps), over 3 seeds. What matters here is the **training** loss: degradation is a
# failure to fit the training data, not a failure to generalise. Each network answers one question:
#
# | network | against | what it changes | question |
# |---|---|---|---|
# | plain-4 | plain-20 | depth | does depth alone hurt, with Glorot and no BatchNorm? |
# | residual-20 | plain-20 | shortcuts | do shortcuts rescue the vanishing signal? |
# | plain-20 BN | plain-20 | BatchNorm | does keeping the signal throughout rescue it? |
# | plain-4 BN | plain-20 BN | depth | **degradation**: with a healthy signal, does depth hurt? |
# | residual-20 BN | plain-20 BN | shortcuts | with a healthy signal, do shortcuts still help? |
# | residual-20 BN | plain-4 BN | depth *and* shortcuts | is the deep residual network better than the shallow one? |
#
# The last row changes two things at once, so whatever it shows cannot be credited to either alone (that would
# take a residual-4 BN network, which we do not train).
#
# (He initialisation is measured at initialisation only, to keep to the time budget, and is not trained here. To
# train it too, add
# `"plain-20 He": {"depth": DEEP, "residual": False, "initializer": "he_normal"}` to `networks` below.)
#
# *Bookkeeping for speed:* Keras traces a model's training step the first time it trains, about 10 s for 20 layers
# on 2 cores. Each architecture is compiled once; for each seed it gets the starting weights of a freshly built
# model (`set_weights`) and a fresh optimiser state, which trains exactly as a new model would, without tracing
# again.

# %%
from course_utils.models import compile_with_cosine  # notebook 02's training recipe


def fresh_start(model: keras.Model, options: dict, seed: int) -> None:
    """(extra code) a compiled model's weights as deep_cnn(**options) builds them for `seed`, its optimiser reset"""
    keras.utils.set_random_seed(seed)
    model.set_weights(deep_cnn(**options).get_weights())
    for variable in model.optimizer.variables:  # Adam's step count and moment estimates
        variable.assign(tf.zeros_like(variable))
    keras.utils.set_random_seed(seed)  # the same shuffling as a new model's


epochs = mode.by_mode(full=2, fast=1)
seeds = mode.by_mode(full=[SEED * 10 + 5 + k for k in range(3)], fast=[SEED * 10 + 5, SEED * 10 + 6])
networks = {
    "plain-4": {"depth": 4, "residual": False},
    f"plain-{DEEP}": {"depth": DEEP, "residual": False},
    f"residual-{DEEP}": {"depth": DEEP, "residual": True},
    "plain-4 BN": {"depth": 4, "residual": False, "batchnorm": True},
    f"plain-{DEEP} BN": {"depth": DEEP, "residual": False, "batchnorm": True},
    f"residual-{DEEP} BN": {"depth": DEEP, "residual": True, "batchnorm": True},
}
losses: dict[str, list[float]] = {name: [] for name in networks}
seconds: dict[str, list[float]] = {name: [] for name in networks}
architecture = None
with Timer() as training_time:
    for name, options in networks.items():
        if architecture != (options["depth"], options["residual"], options.get("batchnorm", False)):
            architecture = (options["depth"], options["residual"], options.get("batchnorm", False))
            model = deep_cnn(**options)
            steps = epochs * int(np.ceil(len(fit_images) / 64))
            compile_with_cosine(model, rate=0.003, steps=steps, metrics=False, steps_per_execution=8)
        for seed in seeds:
            fresh_start(model, options, seed)
            with Timer() as one:
                history = model.fit(fit_images, fit_labels, epochs=epochs, batch_size=64, verbose=0)
            losses[name].append(history.history["loss"][-1])  # mean training loss over the last epoch
            seconds[name].append(one.seconds)
        print(f"{name:<15} training loss " + ", ".join(f"{loss:.3f}" for loss in losses[name])
              + " (seconds per training: " + ", ".join(f"{t:.1f}" for t in seconds[name]) + ")", flush=True)
print(f"{len(networks) * len(seeds)} trainings in {training_time}; chance level is ln 10 = {np.log(10):.3f}")

# %% [markdown]
# Each comparison as a Welch 95% t-interval of the difference in mean training loss (negative: the first network
# fits better). With 3 seeds the t value is large, so only clear differences count. And there are 6 comparisons:
# even if no network differed from any other, each interval would still exclude 0 one time in 20, so about one set
# of 6 in four would show a false difference somewhere. A verdict whose interval ends close to 0 is fragile: another
# set of seeds may well turn it.

# %%
comparisons = [("plain-4", f"plain-{DEEP}"), (f"residual-{DEEP}", f"plain-{DEEP}"),
               (f"plain-{DEEP} BN", f"plain-{DEEP}"), (f"plain-{DEEP} BN", "plain-4 BN"),
               (f"residual-{DEEP} BN", f"plain-{DEEP} BN"), (f"residual-{DEEP} BN", "plain-4 BN")]
interval = {}
for first, second in comparisons:
    interval[first, second] = stats.welch(losses[first], losses[second])
    print(f"{first + ' - ' + second:<30} {interval[first, second]}")
mean_loss = {name: float(np.mean(values)) for name, values in losses.items()}
# The first training of each architecture includes tracing its step: compare the others (all of them in fast mode).
later = {name: runs[1:] or runs for name, runs in seconds.items()}
results.record(
    **{f"loss_{name.replace('-', '_').replace(' ', '_').lower()}": mean_loss[name] for name in networks},
    residual_time_ratio=np.mean(later[f"residual-{DEEP}"]) / np.mean(later[f"plain-{DEEP}"]),
    depth_with_batchnorm_low=interval[f"plain-{DEEP} BN", "plain-4 BN"].low,
    shortcuts_with_batchnorm_high=interval[f"residual-{DEEP} BN", f"plain-{DEEP} BN"].high,
    residual_bn_against_plain_4_bn_high=interval[f"residual-{DEEP} BN", "plain-4 BN"].high,
    claims={
        "deeper_plain_trains_worse": (mean_loss[f"plain-{DEEP}"] > mean_loss["plain-4"] + 0.3,
                                      f"plain-{DEEP}'s mean training loss is more than 0.3 above plain-4's"),
        "shortcuts_train_better": (mean_loss[f"residual-{DEEP}"] < mean_loss[f"plain-{DEEP}"] - 0.2,
                                   f"residual-{DEEP}'s mean training loss is more than 0.2 below plain-{DEEP}'s"),
        "batchnorm_helps": (mean_loss[f"plain-{DEEP} BN"] < mean_loss[f"plain-{DEEP}"] - 0.3,
                            f"with BatchNorm, plain-{DEEP}'s mean training loss is more than 0.3 lower"),
        "depth_buys_nothing_with_batchnorm": (
            mean_loss[f"plain-{DEEP} BN"] > mean_loss["plain-4 BN"] - 0.1,
            f"with BatchNorm, plain-{DEEP}'s mean training loss is not lower than plain-4's by more than 0.1"),
        "shortcuts_lower_with_batchnorm": (
            mean_loss[f"residual-{DEEP} BN"] < mean_loss[f"plain-{DEEP} BN"],
            f"with BatchNorm in both, residual-{DEEP}'s mean training loss is below plain-{DEEP}'s"),
    },
)

# %% [markdown]
# **What each network shows.**
#
# - **Vanishing signal (Glorot, no BatchNorm).** plain-20 ends at or near the chance level (mean loss
#   2.30<!-- value: loss_plain_20 -->; chance, ln 10, is 2.303) while plain-4 learns
#   (1.5<!-- value: loss_plain_4 -->), and the same 20 layers with shortcuts learn too
#   (1.5<!-- value: loss_residual_20 -->). Section 2a showed why: at initialisation plain-20's signal has all but
#   vanished by layer 20.
# - **With BatchNorm, plain-20 learns.** The same 20 plain layers with BatchNorm reach a mean loss of
#   1.7<!-- value: loss_plain_20_bn -->. So 20 plain layers can train here: depth alone was not the obstacle. Which
#   of BatchNorm's effects removed it, this arm does not say (BatchNorm changes more than the signal's size). He
#   initialisation, which also kept the signal at initialisation (section 2a), was measured only there: whether He
#   alone lets plain-20 train in 158 steps is not tested here.
# - **Degradation, with a healthy signal.** With BatchNorm in both, plain-20's mean loss is no lower than plain-4's
#   (1.7<!-- value: loss_plain_20_bn --> against 1.5<!-- value: loss_plain_4_bn -->): on average, 16 more layers
#   bought nothing. Whether they made it *worse*, which is degradation proper, 3 seeds of 158 steps do not settle:
#   the interval's lower end is -0.01<!-- value: depth_with_batchnorm_low -->, close to 0 either way, so this
#   verdict is fragile; read it above for your run. And after 158 steps, "fits worse" and "fits more slowly" look
#   the same.
# - **Shortcuts, with a healthy signal.** The same 20 layers with BatchNorm *and* shortcuts reach a lower mean loss
#   (1.0<!-- value: loss_residual_20_bn -->) than plain-20 with BatchNorm, but the seeds vary a lot: the interval's
#   upper end is -0.03<!-- value: shortcuts_with_batchnorm_high -->, only just clear of 0, a fragile verdict. Against
#   plain-4 with BatchNorm (a comparison that changes depth and shortcuts together) the mean is lower too, but the
#   interval reaches 0.31<!-- value: residual_bn_against_plain_4_bn_high -->: no clear difference. So shortcuts
#   helped the deep network on average, which is the direction of He et al.'s result; whether they make depth pay,
#   this run cannot say.
#
# **What this short run cannot show.** Degradation proper is a deeper plain network, whose signal and gradients are
# healthy, fitting its training data *worse* than a shallower one, and staying worse. He et al. (2015) measured it
# on CIFAR-10: plain networks of 20, 32, 44 and 56 layers, with BatchNorm and He initialisation, trained with SGD
# and momentum for 64,000 steps of 128 images (about 160 epochs); the deeper the plain network, the higher its
# training error. On ImageNet, plain-34 had higher training error than plain-18 throughout training, and three times
# more steps did not remove it, while the residual networks kept improving with depth, on test data too. The run
# that showed it on CIFAR-10 was plain-20 against plain-56 for those 64,000 steps; the nearest analogue here, which
# we have not run, would be the same two depths with BatchNorm on Fashion-MNIST for some 400 times our 158 steps:
# far beyond a 2-core notebook.

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
# (The stride on the 3×3 is "ResNet v1.5", torchvision's choice; the original ResNet, v1, and
# `keras.applications.ResNet50` put it on the first 1×1. The check accepts either.)

# %%
def bottleneck_block(x, filters, stride=1):
    ...  # your code here


ex.q2.check(bottleneck_block)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** In the pre-activation design (section 2a's deep dive), the stream `x` that flows from block to
# block is not the output of a ReLU, so its values can be negative. Suppose someone keeps the original block's
# ReLU after the addition anyway, `relu(x + F(x))`, and all of `F`'s convolutions have their weights and biases at
# zero. What does the block output? (a) `x` itself, (b) `x` with its negative values set to 0, (c) zeros
# everywhere. Answer with a letter.

# %%
zero_block_output = ...  # "a", "b" or "c"

ex.q3.check(zero_block_output)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Deeper still.** Section 2a measured, at depth 20, the plain network's last convolution
# output std as a fraction of layer 1's (`plain_kept`, one ratio per seed). Measure the same for a plain network of
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
# - A deep plain CNN can fail before degradation comes into it: with Keras's default (Glorot) initialisation and
#   no BatchNorm, our 20-layer plain CNN's last convolution produced almost no output and the network stayed at or
#   near chance, while a 4-layer one learned. At initialisation, He initialisation (variance `2 / fan_in`) kept
#   about 1,006<!-- value: he_to_glorot_signal --> times more of it than Glorot (median over seeds), and BatchNorm
#   and shortcuts kept it too; in training, the BatchNorm network learned (He was not trained here).
# - Under Adam, gradient size is not step size: Adam rescales each weight's gradient, so the plain network's
#   gradients, at least 65,289<!-- value: gradient_ratio_residual_to_plain --> times smaller than the residual
#   network's, gave first steps at most 95<!-- value: step_ratio_residual_to_plain --> times smaller; steps shrink
#   only where the gradients are below Adam's ε.
# - With BatchNorm keeping the signal, plain-20 trained no better than plain-4 on average, and the same 20 layers
#   with identity shortcuts (no extra parameters) reached a lower mean loss than plain-20, with an interval close to
#   0: 3 seeds and 6 comparisons make such verdicts fragile. Where the shape changes, a 1×1 projection shortcut
#   costs `C_in × C_out` weights; the pre-activation block keeps the shortcut a clean identity, with nothing after
#   the addition.
# - Two epochs on 5,000 images show the mechanisms, not the textbook result: plain networks *degrading* with a
#   healthy signal (He et al.'s plain-56 against plain-20 on CIFAR-10) needs deeper models and runs hundreds of
#   times longer.
#
# **Next: [13 · what the model looks at](13_what_the_model_looks_at.ipynb)** asks which pixels drove a trained
# network's prediction, and how far to trust the answer.
