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
# # 05 · Looking inside a CNN: kernels and feature maps
# <!-- course-map: Feature maps | First-layer kernels on a real photo against an untrained control, every layer's
# feature maps, class-specific filters, an interactive explorer. -->
#
# **Why this matters.** A trained CNN is not a black box you have to take on trust: every filter is a small array
# you can draw, and every layer's output is an image you can look at. Looking tells you what the network reacts
# to, and where its information about the class lives. Looking *carefully* matters as much: pretty pictures from
# a network that learned nothing look convincing too, so this notebook measures as well as shows.
#
# *CNNs, hands-on* · notebook 5 of 8 · previous: [**04 · capacity experiments**](04_capacity_experiments.ipynb) ·
# next: [**06 · MNIST with callbacks**](06_mnist_callbacks.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/05_feature_maps.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/05_feature_maps.ipynb)

# %% [markdown]
# ## You will learn
#
# - how to read a first-layer kernel as an image, and test what it detects on a real photograph;
# - how to build a Keras model that returns every intermediate layer's output (`keras.Model(model.inputs, ...)`);
# - how the spatial size and the *receptive field* change through the network, with the formulas;
# - why every score needs its floor: what random kernels or an untrained network get on the same measurement;
# - how to test whether a deep filter is specific to a class: chosen on some images, measured on others, against
#   every other class;
# - why feature maps of an untrained network are not evidence of anything;
# - how to explore every image, layer and filter with sliders.
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
# ## 1. A trained CNN to look into
#
# We study the first CNN of notebook 02: `Conv2D(64, 3×3)` → `MaxPooling2D(2)` → `Conv2D(64, 3×3)` →
# `MaxPooling2D(2)` → `Dense(128)` → `Dense(10)`. Notebook 02 saves its trained model in the course output folder.
# If that file is there we load it; if not (you skipped 02, or it was trained in fast mode) we train the same
# model here, for 3 epochs instead of notebook 02's 4, which is enough to look inside. `build_first_cnn` is
# notebook 02's own function: a `# @save` mark there exports it to `course_utils.models`, so it is written once.

# %%
from course_utils.models import build_first_cnn, compile_with_cosine  # notebook 02's model and recipe

(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(fast=(4000, 1000))
class_names = data.FASHION_CLASS_NAMES
x_test = test_images[..., np.newaxis]  # uint8 (N, 28, 28, 1): the model scales its own input

model, source = saving.load_model(f"02_first_cnn_{mode.name()}.keras", input_shape=(28, 28, 1))
print(source)
if model is None:
    epochs = mode.by_mode(full=3, fast=1)
    model = build_first_cnn(seed=SEED)
    steps = epochs * int(np.ceil(len(train_images) / 128))
    compile_with_cosine(model, rate=0.002, steps=steps)  # notebook 02's recipe
    with Timer() as training_time:
        model.fit(train_images[..., np.newaxis], train_labels, epochs=epochs, batch_size=128, verbose=0)
    print(f"trained here instead: {epochs} epochs in {training_time}")
test_accuracy = model.evaluate(x_test, test_labels, verbose=0)[1]
print(f"test accuracy {test_accuracy:.4f}")
results.expect("test_accuracy", test_accuracy, full=(0.88, 1.0))

# The same architecture with its weights never trained: the control for every claim below about what training did.
# Built with the same seed, it starts from the very weights the trained network started from (when 02 trained it
# with this seed, or this cell did), so the only difference between the two is the training itself.
untrained_model = build_first_cnn(seed=SEED)

# %% [markdown]
# ## 2. The first layer's kernels, as images
#
# The first `Conv2D` has 64 kernels of 3 × 3 × 1 weights. Draw each as a tiny image: red cells are positive
# weights, blue negative, on one shared scale. A kernel with red on one side and blue on the other responds to a
# change in brightness across it: an **edge**. Its orientation says which edges.

# %%
conv_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
first_kernels = conv_layers[0].kernel.numpy()  # (3, 3, 1, 64): height, width, input channels, filters
kernels = first_kernels[:, :, 0, :]  # (3, 3, 64): one 3x3 square per filter (the input has one channel)
print("first-layer kernel array:", first_kernels.shape)

# %%
# (extra code) shows the 64 first-layer kernels, trained and untrained
untrained_kernels = untrained_model.layers[1].kernel.numpy()[:, :, 0, :]
kernel_limit = float(max(np.abs(kernels).max(), np.abs(untrained_kernels).max()))  # one scale for both figures
plots.channel_grid(kernels, columns=16, cmap="RdBu_r", symmetric=True, limit=kernel_limit,
                   title="TRAINED: the 64 first-layer kernels (red +, blue -)")
plt.show()
plots.channel_grid(untrained_kernels, columns=16, cmap="RdBu_r", symmetric=True, limit=kernel_limit,
                   title="UNTRAINED control, same architecture, same colour scale")
plt.show()

# %% [markdown]
# Compare the two grids, drawn on one colour scale: which kernels have a positive side and a negative side? Looks
# can mislead, so the rest of this section measures it.

# %% [markdown]
# Which kernels detect which edges? Staring at 3 × 3 squares only goes so far; the real test is to run every kernel
# on an image it never saw. scipy's `ascent` photograph (a staircase, 512 × 512) has strong lines in every
# direction. We convolve it with all 64 kernels at once using `tf.nn.conv2d`, exactly what the layer computes
# (minus the bias and ReLU).

# %%
ascent = data.load_ascent().astype("float32") / 255.0  # (512, 512), scaled like the model's input
ascent_batch = ascent[np.newaxis, :, :, np.newaxis]  # (1, 512, 512, 1): batch and channel axes
def kernel_responses(layer_kernels: np.ndarray) -> np.ndarray:
    """|response| of every first-layer kernel on ascent: (510, 510, 64), what the layer computes minus bias and ReLU."""
    return np.abs(tf.nn.conv2d(ascent_batch, layer_kernels, strides=1, padding="VALID").numpy()[0])


responses = kernel_responses(first_kernels)
print("responses:", responses.shape)  # (510, 510, 64): one map per kernel

# %% [markdown]
# Then we score each kernel: how well does its response map line up with the photo's **vertical** edges
# (brightness changing from left to right) and with its **horizontal** edges (changing from top to bottom)? The
# score is the correlation between the two maps, from -1 to 1.

# %%
vertical_edges = np.abs(ascent[1:-1, 2:] - ascent[1:-1, :-2])  # left-right change, aligned with the 510x510 maps
horizontal_edges = np.abs(ascent[2:, 1:-1] - ascent[:-2, 1:-1])  # top-bottom change


def correlation_with(edges: np.ndarray, responses: np.ndarray = responses) -> np.ndarray:
    """Correlation of each kernel's response map with an edge map: one number per kernel."""
    standard_responses = (responses - responses.mean(axis=(0, 1))) / (responses.std(axis=(0, 1)) + 1e-8)
    standard_edges = (edges - edges.mean()) / edges.std()
    return (standard_responses * standard_edges[..., np.newaxis]).mean(axis=(0, 1))


vertical_score, horizontal_score = correlation_with(vertical_edges), correlation_with(horizontal_edges)
vertical_filter = int(np.argmax(vertical_score - horizontal_score))
horizontal_filter = int(np.argmax(horizontal_score - vertical_score))
print(format_table([{"kernel": f"{name} ({index})", "corr. with vertical edges": vertical_score[index],
                     "corr. with horizontal edges": horizontal_score[index]}
                    for name, index in (("most vertical", vertical_filter), ("most horizontal", horizontal_filter))]))
np.set_printoptions(precision=2, suppress=True)
print(f"kernel {vertical_filter}:\n{kernels[:, :, vertical_filter]}\nkernel {horizontal_filter}:\n"
      f"{kernels[:, :, horizontal_filter]}")
results.record(
    vertical_kernel=vertical_filter,
    vertical_kernel_vertical_corr=vertical_score[vertical_filter],
    vertical_kernel_horizontal_corr=horizontal_score[vertical_filter],
    horizontal_kernel=horizontal_filter,
    horizontal_kernel_horizontal_corr=horizontal_score[horizontal_filter],
    horizontal_kernel_vertical_corr=vertical_score[horizontal_filter],
    claims={"edge_kernels_found": (
        vertical_score[vertical_filter] > horizontal_score[vertical_filter]
        and horizontal_score[horizontal_filter] > vertical_score[horizontal_filter]
        and kernels[:, 0, vertical_filter].sum() * kernels[:, 2, vertical_filter].sum() < 0
        and kernels[0, :, horizontal_filter].sum() * kernels[2, :, horizontal_filter].sum() < 0,
        "one kernel follows vertical edges more than horizontal ones, another the reverse; the first one's left and "
        "right columns sum to opposite signs, the second one's top and bottom rows")},
)

# %%
# (extra code) shows ascent and the two kernels' responses
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
axes[0].imshow(ascent, cmap="gray")
axes[0].set_title("ascent")
response_limit = float(responses[..., [vertical_filter, horizontal_filter]].max())  # one scale for both maps
for ax, index, name in zip(axes[1:], (vertical_filter, horizontal_filter), ("vertical", "horizontal"), strict=True):
    shown = ax.imshow(responses[..., index], cmap="magma", vmin=0, vmax=response_limit)
    ax.set_title(f"kernel {index}: most {name}", fontsize=11)
fig.colorbar(shown, ax=axes[1:].tolist(), fraction=0.025, label="|response| (one scale for both maps)")
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# In our run, kernel 29<!-- value: vertical_kernel --> lines up with the vertical edges (correlation
# 0.90<!-- value: vertical_kernel_vertical_corr -->, against 0.44<!-- value: vertical_kernel_horizontal_corr --> with
# the horizontal ones) and kernel 38<!-- value: horizontal_kernel --> with the horizontal edges
# (0.83<!-- value: horizontal_kernel_horizontal_corr --> against 0.43<!-- value: horizontal_kernel_vertical_corr -->).
# Their printed weights have one side negative and the opposite side positive, as in the Sobel filters you will
# write by hand in notebook 07. (Your run may pick other kernels; the printed numbers are yours.)
#
# **Did training make them, or would any kernel do?** A random 3×3 kernel is also some weighted mix of neighbouring
# pixels, so it responds to edges too. A score means little until we know its *floor*: what kernels that learned
# nothing get on the same measurement. Two numbers summarise a set of 64 kernels. *Orientation*: the average, over
# the 64 kernels, of |correlation with vertical edges − correlation with horizontal edges|: 0 when a kernel does
# not care about the direction. *Zero sum*: the median of |sum of the weights| / sum of |weights|: 0 when a kernel
# ignores flat brightness and answers only to change (a *contrast* filter); 1 for a pure blur.
#
# We measure four sets of kernels:
#
# - the trained ones;
# - the untrained copy's: the very values training started from;
# - fresh random kernels from the distribution Keras draws a new `Conv2D`'s weights from (*Glorot uniform*:
#   uniform, in a range set by the layer's size), five draws with seeds of their own, to see how much a draw varies;
# - the same random kernels with each kernel's mean subtracted, so that its nine weights sum to exactly zero:
#   **zero-sum random** kernels, which learned nothing either.

# %%
def kernel_scores(layer_kernels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each kernel's correlation with the vertical and with the horizontal edges of ascent."""
    kernel_maps = kernel_responses(layer_kernels)
    return correlation_with(vertical_edges, kernel_maps), correlation_with(horizontal_edges, kernel_maps)


def zero_sum_of_each(layer_kernels: np.ndarray) -> np.ndarray:
    """|sum of the weights| / sum of |weights| for each kernel: 0 for a contrast filter, 1 for a blur."""
    squares = layer_kernels[:, :, 0, :]
    return np.abs(squares.sum(axis=(0, 1))) / np.abs(squares).sum(axis=(0, 1))


def kernel_summary(layer_kernels: np.ndarray) -> dict:
    """Orientation selectivity on ascent, and how close to zero-sum the kernels are."""
    vertical, horizontal = kernel_scores(layer_kernels)
    return {"orientation": float(np.abs(vertical - horizontal).mean()),
            "zero sum": float(np.median(zero_sum_of_each(layer_kernels)))}


def made_zero_sum(layer_kernels: np.ndarray) -> np.ndarray:
    """Each kernel minus its own mean: its nine weights then sum to exactly zero."""
    return layer_kernels - layer_kernels.mean(axis=(0, 1), keepdims=True)


print("the layer's initializer:", type(conv_layers[0].kernel_initializer).__name__)
random_kernels = [keras.initializers.GlorotUniform(seed=SEED * 10 + draw)(first_kernels.shape).numpy()
                  for draw in range(5)]  # seeds SEED*10 to SEED*10+4: a run with another SEED draws other kernels
trained_summary = kernel_summary(first_kernels)
untrained_summary = kernel_summary(untrained_model.layers[1].kernel.numpy())
random_summaries = [kernel_summary(draw) for draw in random_kernels]
zero_sum_summaries = [kernel_summary(made_zero_sum(draw)) for draw in random_kernels]


def summary_row(name: str, summaries: list[dict]) -> dict:
    """One table row: the mean over the draws, and the lowest and highest draw's orientation."""
    orientation = [summary["orientation"] for summary in summaries]
    return {"kernels": name, "orientation": np.mean(orientation),
            "zero sum": np.mean([summary["zero sum"] for summary in summaries]),
            "orientation, lowest–highest draw": f"{min(orientation):.3f}–{max(orientation):.3f}"
            if len(summaries) > 1 else "(one set)"}


print(format_table([summary_row("trained", [trained_summary]), summary_row("untrained copy", [untrained_summary]),
                    summary_row("random, 5 draws", random_summaries),
                    summary_row("zero-sum random, 5 draws", zero_sum_summaries)]))
zero_sum_orientation = [summary["orientation"] for summary in zero_sum_summaries]
random_orientation = [summary["orientation"] for summary in random_summaries]
results.record(
    orientation_trained=trained_summary["orientation"], orientation_untrained=untrained_summary["orientation"],
    orientation_random=np.mean(random_orientation), orientation_random_low=min(random_orientation),
    orientation_random_high=max(random_orientation), orientation_zero_sum_random=np.mean(zero_sum_orientation),
    orientation_zero_sum_random_low=min(zero_sum_orientation),
    orientation_zero_sum_random_high=max(zero_sum_orientation),
    zero_sum_trained=trained_summary["zero sum"], zero_sum_untrained=untrained_summary["zero sum"],
    claims={
        "training_made_kernels_zero_sum": (
            trained_summary["zero sum"] < 0.5 * untrained_summary["zero sum"]
            and trained_summary["orientation"] > 2 * untrained_summary["orientation"],
            "the trained kernels are less than half as far from zero-sum as their initial values, and more than "
            "twice as orientation-selective"),
        "zero_sum_random_kernels_score_like_trained": (
            abs(np.mean(zero_sum_orientation) / trained_summary["orientation"] - 1) < 1 / 3
            and min(zero_sum_orientation) > 2 * max(random_orientation),
            "zero-sum random kernels score within a third of the trained kernels' orientation (mean of five "
            "draws), and every zero-sum draw more than twice the best raw random draw"),
    },
)

# %% [markdown]
# Read the table from the bottom up. Random kernels as Keras draws them score
# 0.04<!-- value: orientation_random --> on orientation (from
# 0.033<!-- value: orientation_random_low --> to 0.054<!-- value: orientation_random_high --> over five draws):
# their weights do not cancel, so they mostly answer to brightness. Subtract each one's mean and the *same* random
# kernels score 0.18<!-- value: orientation_zero_sum_random --> (from
# 0.158<!-- value: orientation_zero_sum_random_low --> to 0.193<!-- value: orientation_zero_sum_random_high -->),
# about what the trained kernels score (0.19<!-- value: orientation_trained -->). A kernel whose weights cancel on a
# flat patch answers only to change, and a change in some direction is an edge in some direction: the orientation
# score rewards the zero sum itself.
#
# So here is what the controls show. Training did change the kernels, measurably: from their initial values
# (median zero sum 0.21<!-- value: zero_sum_untrained -->) it made most of them nearly zero-sum (median
# 0.03<!-- value: zero_sum_trained -->), *contrast* filters that ignore flat brightness. Nobody programmed that:
# training found it. But zero-sum random kernels respond to edges about as strongly, so this comparison alone does
# not show that training made *oriented* edge detectors beyond that. (It also changes two things at once: every
# random kernel is exactly zero-sum, the trained ones only mostly. The deep dive below makes the trained kernels
# exactly zero-sum too: then they score above every zero-sum random draw and every shuffle of their own weights, so
# the learned arrangement adds some orientation, less than the zero sum does.) The same goes for the table of the
# most vertical and most horizontal kernel: run it on each zero-sum random set.

# %%
def most_oriented(vertical: np.ndarray, horizontal: np.ndarray) -> dict:
    """The most vertical and the most horizontal kernel's two correlations, as in the table above."""
    vertical_index, horizontal_index = int(np.argmax(vertical - horizontal)), int(np.argmax(horizontal - vertical))
    return {"vertical: with vertical": vertical[vertical_index],
            "vertical: with horizontal": horizontal[vertical_index],
            "horizontal: with horizontal": horizontal[horizontal_index],
            "horizontal: with vertical": vertical[horizontal_index]}


best_rows = [{"kernels": "trained", **most_oriented(vertical_score, horizontal_score)}]
best_rows += [{"kernels": f"zero-sum random, draw {draw}", **most_oriented(*kernel_scores(made_zero_sum(kernels)))}
              for draw, kernels in enumerate(random_kernels)]
print("best kernel of each set: 'vertical: with horizontal' is the most vertical kernel's correlation with "
      "horizontal edges")
print(format_table(best_rows))
zero_sum_best = {column: float(np.mean([row[column] for row in best_rows[1:]])) for column in best_rows[0]
                 if column != "kernels"}
results.record(
    zero_sum_random_vertical_corr=zero_sum_best["vertical: with vertical"],
    zero_sum_random_vertical_kernel_horizontal_corr=zero_sum_best["vertical: with horizontal"],
    zero_sum_random_horizontal_corr=zero_sum_best["horizontal: with horizontal"],
    zero_sum_random_horizontal_kernel_vertical_corr=zero_sum_best["horizontal: with vertical"],
    claims={"zero_sum_random_kernels_pass_the_table": (
        all(row["vertical: with vertical"] > row["vertical: with horizontal"]
            and row["horizontal: with horizontal"] > row["horizontal: with vertical"] for row in best_rows[1:])
        and abs(zero_sum_best["vertical: with vertical"] - vertical_score[vertical_filter]) < 0.15
        and abs(zero_sum_best["horizontal: with horizontal"] - horizontal_score[horizontal_filter]) < 0.15,
        "in every zero-sum random draw the most vertical kernel follows vertical edges more than horizontal ones "
        "and the most horizontal kernel the reverse, and on average they follow their edges within 0.15 of the "
        "trained pair")},
)

# %% [markdown]
# The best of 64 zero-sum random kernels pass as well as the trained pair: on average over the five draws, the
# most vertical one correlates 0.89<!-- value: zero_sum_random_vertical_corr --> with vertical edges against
# 0.46<!-- value: zero_sum_random_vertical_kernel_horizontal_corr --> with horizontal ones, and the most horizontal
# one 0.83<!-- value: zero_sum_random_horizontal_corr --> against
# 0.47<!-- value: zero_sum_random_horizontal_kernel_vertical_corr -->. Picking the best of 64 finds a well-oriented
# kernel in any zero-sum set. Section 6 shows why such controls matter for pictures too.
#
# **Deep dive (optional): is anything oriented beyond the zero sum?** The control that answers it (an *arm* of the
# experiment) changes one thing only: the *arrangement* of the weights. Shuffle the nine weights inside each trained
# kernel: the same values, the same sum, the arrangement gone. And because the trained set mixes nearly zero-sum kernels
# with others that are not (the median hides them), make every kernel exactly zero-sum first, so that the zero sum
# cannot make the difference.

# %%
near_zero_sum = zero_sum_of_each(first_kernels) < 0.1
near_vertical, near_horizontal = vertical_score[near_zero_sum], horizontal_score[near_zero_sum]
print(f"{near_zero_sum.sum()} of 64 trained kernels have a zero sum below 0.1; their orientation "
      f"{np.abs(near_vertical - near_horizontal).mean():.3f}, the other kernels' "
      f"{np.abs(vertical_score - horizontal_score)[~near_zero_sum].mean():.3f}")


def shuffled_within_each_kernel(layer_kernels: np.ndarray, seed: int) -> np.ndarray:
    """Each kernel's nine weights in a random order: same values, same sum, no arrangement."""
    generator = np.random.default_rng(seed)
    flat = layer_kernels.reshape(9, -1)  # one column of nine weights per kernel
    return np.stack([generator.permutation(column) for column in flat.T], axis=1).reshape(layer_kernels.shape)


arranged = kernel_summary(made_zero_sum(first_kernels))["orientation"]
shuffled = [kernel_summary(made_zero_sum(shuffled_within_each_kernel(first_kernels, SEED * 10 + 5 + shuffle)))
            ["orientation"] for shuffle in range(5)]  # seeds SEED*10+5 to +9, apart from the draws above
print(format_table([{"kernels (all made zero-sum)": "trained", "orientation": arranged},
                    {"kernels (all made zero-sum)": "trained, shuffled (mean of 5)", "orientation": np.mean(shuffled)},
                    {"kernels (all made zero-sum)": "trained, shuffled (highest of 5)", "orientation": max(shuffled)}]))
results.record(
    near_zero_sum_kernels=int(near_zero_sum.sum()),
    orientation_trained_zero_sum=arranged, orientation_shuffled_zero_sum=np.mean(shuffled),
    claims={
        "trained_arrangement_beats_shuffled": (
            arranged > max(shuffled) and arranged > max(zero_sum_orientation)
            and arranged - np.mean(shuffled) < np.mean(zero_sum_orientation) - np.mean(random_orientation)
            and abs(np.mean(shuffled) / np.mean(zero_sum_orientation) - 1) < 0.25,
            "made exactly zero-sum, the trained kernels score higher on orientation than each of five shuffles of "
            "their own weights and each zero-sum random draw; the gain is smaller than the zero sum's gain on "
            "random kernels, and the shuffles score within a quarter of the zero-sum random kernels"),
        "orientation_sits_in_the_zero_sum_kernels": (
            np.abs(near_vertical - near_horizontal).mean()
            > 3 * np.abs(vertical_score - horizontal_score)[~near_zero_sum].mean(),
            "the trained kernels with a zero sum below 0.1 are more than three times as orientation-selective as "
            "the others"),
    },
)

# %% [markdown]
# Made exactly zero-sum, the trained kernels score 0.25<!-- value: orientation_trained_zero_sum --> against
# 0.19<!-- value: orientation_shuffled_zero_sum --> for their own weights shuffled, about the zero-sum random level.
# So the arrangement training found does add some orientation, a smaller effect than the zero sum itself. It sits
# in the kernels that became contrast filters: the first printed line shows that the
# 42<!-- value: near_zero_sum_kernels --> kernels whose zero sum is below 0.1 carry the orientation, while the
# others score near 0 and pull the whole set's average down to about the zero-sum random level. What these numbers
# cannot say is whether the network *uses* the orientation: that would take an experiment on the network, not on
# the kernels. *End of the deep dive.*

# %% [markdown]
# ## 3. Every layer's output: an activation model
#
# A Keras model is a graph from inputs to outputs, and any layer's output can be an output. So we build a second
# model that shares the trained layers (no copy, no retraining) and returns the output of every `Conv2D` and
# `MaxPooling2D` layer. One call gives all the *feature maps* for a batch of images.

# %%
feature_layers = [layer for layer in model.layers
                  if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D))]
layer_names = [f"{'conv' if isinstance(layer, keras.layers.Conv2D) else 'pool'} {number}"
               for number, layer in zip([1, 1, 2, 2], feature_layers, strict=True)]
activation_model = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in feature_layers])

sample_images = x_test[:12]
sample_maps = activation_model.predict(sample_images, verbose=0)  # one array per layer
for name, maps in zip(layer_names, sample_maps, strict=True):
    print(f"{name}: {maps.shape}")

# %% [markdown]
# For the first test image (an ankle boot), the first 16 maps of each layer. Within a layer all 16 share one colour
# scale (the colourbar), so a bright map is a strong response and a dark one a weak or dead filter; each layer
# has its own scale, because deeper layers produce larger values.

# %%
# (extra code) shows one image's feature maps, layer by layer
plots.image_grid(sample_images[:1], test_labels[:1], class_names, columns=1)
plt.show()
for name, maps in zip(layer_names, sample_maps, strict=True):
    plots.channel_grid(maps[0], count=16, columns=16, title=f"{name}: {maps.shape[1]}×{maps.shape[2]}")
    plt.show()

# %% [markdown]
# ## 4. How the maps shrink, and how far each value sees
#
# Two numbers describe each layer's output. Its **size**: a 3 × 3 convolution without padding removes 2 pixels
# (out = in − k + 1); 2 × 2 pooling halves and rounds down (out = ⌊in / 2⌋). Its **receptive field**: how many
# input pixels wide is the patch that one output value depends on. A 3 × 3 convolution adds (k − 1) × *jump*
# pixels, where the jump is the distance in input pixels between neighbouring values, which doubles after each
# pooling. We compute both by formula and check them against the model.

# %%
size, receptive_field, jump = 28, 1, 1
rows = []
for name, layer, maps in zip(layer_names, feature_layers, sample_maps, strict=True):
    kernel = layer.kernel_size[0] if isinstance(layer, keras.layers.Conv2D) else layer.pool_size[0]
    stride = 1 if isinstance(layer, keras.layers.Conv2D) else layer.strides[0]
    size = (size - kernel) // stride + 1  # valid padding, for both layer types
    receptive_field += (kernel - 1) * jump
    jump *= stride
    assert maps.shape[1:3] == (size, size), f"{name}: formula says {size}, model says {maps.shape[1:3]}"
    rows.append({"layer": name, "kernel": kernel, "stride": stride, "output size": f"{size}×{size}",
                 "receptive field": f"{receptive_field}×{receptive_field}", "values": size * size * maps.shape[3]})
print(format_table(rows))

# %% [markdown]
# Read it from top to bottom. The maps go from 26 × 26 to 5 × 5 while each value sees a wider patch: 3 pixels at
# the first layer, 10 at the last, a third of the image. That is how the two kinds of layers divide the work: early
# values describe small local patterns at precise positions; deep values describe larger parts of the garment,
# with only coarse information about where.

# %% [markdown]
# ## 5. Same class, same filters
#
# If deep filters encode parts of garments, images of one class should light up some deep filter more than images
# of *any* other class do. Let's test it on trousers, in two steps that keep the test honest.
#
# 1. **Choose** on one half of 2,000 test images: for each layer, the filter whose average response is most
#    specific to trousers (largest mean on trouser images minus mean on all others, in units of the filter's
#    overall spread).
# 2. **Measure** on the other half, images the choice never saw. The best of 64 filters, measured on the images it
#    was picked on, would look better than it is: that is *selection bias*.
#
# We measure against every other class, not one. Two numbers per filter: its mean response on trousers divided by
# its mean response on the closest other class; and the **separation** from each class, the share of (trouser,
# other image) pairs in which the trouser image gets the stronger response: 1 when every trouser beats every image
# of that class, 0.5 for a coin toss. (It is the *AUC*, area under the ROC curve, of the filter as a trouser
# detector against that class.) We keep the lowest of the nine. And the floor: the untrained copy, put through the
# same two steps.

# %%
study_count = mode.by_mode(full=2000, fast=600)
study_images, study_labels = x_test[:study_count], test_labels[:study_count]
choose, measure = slice(0, study_count // 2), slice(study_count // 2, study_count)  # two disjoint halves


def mean_responses(activations: keras.Model, images: np.ndarray, batch_size: int = 250) -> list[np.ndarray]:
    """Each layer's mean response per image and filter, (N, filters) per layer; batched to keep memory low."""
    per_batch = [[maps.mean(axis=(1, 2)) for maps in activations.predict(images[start:start + batch_size], verbose=0)]
                 for start in range(0, len(images), batch_size)]
    return [np.concatenate(layer_means) for layer_means in zip(*per_batch, strict=True)]


untrained_activations = keras.Model(  # the untrained copy's feature maps, the floor here and in section 6
    inputs=untrained_model.inputs,
    outputs=[layer.output for layer in untrained_model.layers
             if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D))],
)
study_means = mean_responses(activation_model, study_images)
untrained_means = mean_responses(untrained_activations, study_images)


def class_specific_filter(channel_means: np.ndarray, labels: np.ndarray, class_index: int) -> int:
    """The channel whose mean response best separates one class from the rest, on the images given."""
    inside, outside = channel_means[labels == class_index], channel_means[labels != class_index]
    separation = (inside.mean(axis=0) - outside.mean(axis=0)) / (channel_means.std(axis=0) + 1e-6)
    return int(np.argmax(separation))


def separation_from_each_class(responses: np.ndarray, labels: np.ndarray, class_index: int) -> np.ndarray:
    """For each class, the share of (class_index image, that class's image) pairs where the first responds more."""
    inside = responses[labels == class_index]
    return np.array([np.nan if other == class_index else
                     float((inside[:, np.newaxis] > responses[labels == other][np.newaxis, :]).mean())
                     for other in range(len(class_names))])


trouser = class_names.index("Trouser")
others = [index for index in range(len(class_names)) if index != trouser]
measured_labels = study_labels[measure]
rows, trouser_filters, separations = [], {}, {}
for network, network_means in (("trained", study_means), ("untrained", untrained_means)):
    for name, means in zip(layer_names, network_means, strict=True):
        channel = class_specific_filter(means[choose], study_labels[choose], trouser)  # chosen on the first half
        responses = means[measure, channel]  # measured on the second half
        class_means = np.array([responses[measured_labels == index].mean() for index in range(len(class_names))])
        closest = max(others, key=lambda index: class_means[index])
        separation = separation_from_each_class(responses, measured_labels, trouser)
        hardest = min(others, key=lambda index: separation[index])
        trouser_filters[network, name], separations[network, name] = channel, separation
        rows.append({"network": network, "layer": name, "filter": channel,
                     "trousers / closest class": float(class_means[trouser] / class_means[closest]),
                     "closest class": class_names[closest], "lowest separation": separation[hardest],
                     "from": class_names[hardest]})
print(format_table([{**row, "trousers / closest class": f"{row['trousers / closest class']:.2f}"} for row in rows]))
last = layer_names[-1]
trained_last, untrained_last = rows[len(layer_names) - 1], rows[-1]
results.record(
    trouser_ratio_last_layer=trained_last["trousers / closest class"],
    trouser_separation_last_layer=trained_last["lowest separation"],
    trouser_ratio_last_layer_untrained=untrained_last["trousers / closest class"],
    trouser_separation_last_layer_untrained=untrained_last["lowest separation"],
    claims={
        "deep_trouser_filter_is_specific": (
            trained_last["trousers / closest class"] > 1.15 and trained_last["lowest separation"] > 0.7,
            "on images it was not chosen on, the last layer's trouser filter responds more to trousers than to "
            "every other class on average (over 1.15 times the closest class), and separates trousers from every "
            "class in over 70% of pairs"),
        "deep_trouser_filter_beats_untrained": (
            trained_last["lowest separation"] > untrained_last["lowest separation"],
            "the trained last-layer filter's lowest separation is above the untrained copy's"),
        "untrained_filter_favours_trousers_too": (
            untrained_last["trousers / closest class"] > 1.05,
            "the untrained copy's chosen last-layer filter also responds more to trousers than to every other "
            "class on average"),
    },
)

# %% [markdown]
# On images it was not chosen on, the trained network's last-layer trouser filter gives trousers
# 1.67<!-- value: trouser_ratio_last_layer --> times the mean response of the closest other class (the table names
# it), and in the pairwise test it beats even the hardest class in
# 0.91<!-- value: trouser_separation_last_layer --> of the pairs.
#
# Now the floor. The untrained copy, with the same choice on the same half, also finds a filter that favours
# trousers on average (1.34<!-- value: trouser_ratio_last_layer_untrained --> times the closest class): a random
# filter's mean response already reflects a garment's size and outline, as section 6 measures. Image by image it
# separates trousers from the hardest class in only
# 0.70<!-- value: trouser_separation_last_layer_untrained --> of the pairs. So a filter that favours a class *on
# average* is no evidence of learning; what training added shows in the image-by-image separation, against the
# untrained floor. The chart shows the last layer's separation from every class, for both networks.

# %%
# (extra code) shows the separation of the last-layer trouser filter from each other class, trained and untrained
fig, ax = plt.subplots(figsize=(9, 3.2))
positions = np.arange(len(others))
for offset, network, hatch in ((-0.2, "trained", ""), (0.2, "untrained", "//")):
    ax.bar(positions + offset, separations[network, last][others], width=0.4, hatch=hatch, edgecolor="black",
           color="tab:blue" if network == "trained" else "white",
           label=f"{network} (filter {trouser_filters[network, last]})")
ax.axhline(0.5, color="gray", linestyle="--", linewidth=1, label="coin toss")
ax.set_xticks(positions, [class_names[index] for index in others], fontsize=9)
ax.set_ylim(0, 1)
ax.set_ylabel("separation from trousers")
ax.set_title(f"{last}: the trouser filter chosen on one half, measured on the other", fontsize=11)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
fig.tight_layout()
plt.show()

# %% [markdown]
# And the maps themselves. Rows: three trouser images from the measuring half, then, as the control, an image of
# the class the trained last-layer filter separates least well from trousers. Columns: each layer's chosen filter.

# %%
hardest_class = min(others, key=lambda index: separations["trained", last][index])
measured_indices = np.arange(study_count)[measure]  # images not used to choose the filters
shown = [*measured_indices[measured_labels == trouser][:3], measured_indices[measured_labels == hardest_class][0]]
shown_maps = activation_model.predict(x_test[shown], verbose=0)
chosen_filters = [trouser_filters["trained", name] for name in layer_names]
strength = np.array([[maps[row, :, :, channel].mean() for maps, channel in zip(shown_maps, chosen_filters,
                                                                                 strict=True)]
                     for row in range(len(shown))])
print("control class:", class_names[hardest_class])

# %%
# (extra code) shows the trained filters' maps for three trousers and the control image
column_max = [float(maps[..., channel].max()) for maps, channel in zip(shown_maps, chosen_filters, strict=True)]
fig, axes = plt.subplots(len(shown), 1 + len(layer_names), figsize=(10, 2.2 * len(shown)))
for row, index in enumerate(shown):
    axes[row, 0].imshow(x_test[index, :, :, 0], cmap="gray")
    axes[row, 0].set_title(class_names[test_labels[index]] + (" (control)" if row == len(shown) - 1 else ""),
                           fontsize=9)
    for column, (maps, channel) in enumerate(zip(shown_maps, chosen_filters, strict=True), start=1):
        # One colour scale per column, shared by the four images, so brightness compares across rows.
        axes[row, column].imshow(maps[row, :, :, channel], cmap="viridis", vmin=0, vmax=column_max[column - 1])
        axes[row, column].set_title(f"{layer_names[column - 1]} f{channel}: {strength[row, column - 1]:.2f}",
                                    fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Each layer's most trouser-specific filter (title: mean response)")
fig.tight_layout()
plt.show()

# %% [markdown]
# **What early and deep layers respond to.** The first layer's filter responds to the outline of whatever is in
# front of it: its trouser maps and its control map are all edge drawings. Moving right, the maps get coarser.
# What combination of edges the deep filter has learned we cannot read off the maps: "two long vertical edges, so
# legs" would be a story, not a measurement, and section 6 shows how easily maps invite one. What we did measure is
# that its response separates trousers from every other class on images it was not chosen on, better than the
# untrained copy's best filter does.
#
# One filter is one example. We can measure every filter at once. Describe each image, at each layer, by just its
# 64 filters' average responses, and ask how well those 64 numbers tell the class: for each class, average the
# descriptions of the first half of the images; then give each image of the second half the class whose average
# is nearest (a *nearest-class-mean probe*). Chance is 0.1.

# %%
def nearest_mean_probe(channel_means: np.ndarray, labels: np.ndarray) -> float:
    """Fit class means of standardised features on the first half, return accuracy on the second half."""
    features = (channel_means - channel_means.mean(axis=0)) / (channel_means.std(axis=0) + 1e-6)
    half = len(features) // 2
    class_means = np.stack([features[:half][labels[:half] == c].mean(axis=0) for c in range(10)])
    distances = ((features[half:, np.newaxis, :] - class_means[np.newaxis]) ** 2).sum(axis=2)
    return float((distances.argmin(axis=1) == labels[half:]).mean())


trained_probe = [nearest_mean_probe(means, study_labels) for means in study_means]
print(format_table([{"layer": name, "probe accuracy": accuracy}
                    for name, accuracy in zip(layer_names, trained_probe, strict=True)]))
results.record(
    probe_accuracy_first_layer=trained_probe[0],
    expect={"probe_accuracy_last_layer": (trained_probe[-1], (0.6, 1.0))},
    claims={"deep_layers_carry_more_class_information": (
        trained_probe[-1] > trained_probe[0], "the probe is more accurate after the last layer than after the first")},
)

# %% [markdown]
# In our run the probe rose from 0.52<!-- value: probe_accuracy_first_layer --> at the first layer to
# 0.67<!-- value: probe_accuracy_last_layer --> after the last pooling: the deep layers' 64 averages alone name the
# class far more often than chance (0.1), with no classifier trained on them.

# %% [markdown]
# ## 6. Common mistake: reading meaning into feature maps without a baseline
#
# Feature maps are easy to over-interpret. Here is the untrained copy from section 2 again, its weights still random,
# beside the trained network: all 64 first-layer maps of the same image, on one colour scale. The untrained maps look
# just as much like "edge detectors": any small random kernel computes some weighted mix of neighbouring pixels, so it
# outlines the garment. (Section 2 measured the kernels themselves: training made them nearly zero-sum, which the
# pictures do not show.)

# %%
untrained_first_maps = untrained_activations.predict(sample_images[:1], verbose=0)[0]

# %%
# (extra code) shows the trained and the untrained network's first-layer maps on one colour scale
first_limit = float(max(sample_maps[0][0].max(), untrained_first_maps[0].max()))  # one scale for both figures
plots.channel_grid(sample_maps[0][0], columns=16, limit=first_limit, title="TRAINED network, conv 1: all 64 maps")
plt.show()
plots.channel_grid(untrained_first_maps[0], columns=16, limit=first_limit,
                   title="UNTRAINED network, conv 1: all 64 maps, they look plausible too")
plt.show()

# %% [markdown]
# One difference is visible, and it is not about edges: in a few trained maps the black background is lit, in the
# untrained ones it is exactly 0 everywhere. That comes from the *biases*. Keras starts every bias at 0, so on a
# black 3 × 3 patch an untrained filter computes ReLU(0 + 0) = 0; training moved the biases, and a filter with a
# positive bias outputs ReLU(bias) > 0 on black. The cell checks it on the corner of the image, which is black.

# %%
trained_biases = conv_layers[0].bias.numpy()
untrained_biases = untrained_model.layers[1].bias.numpy()
corner_trained, corner_untrained = sample_maps[0][0, 0, 0], untrained_first_maps[0, 0, 0]  # all 64 filters
print(f"first-layer biases, trained: from {trained_biases.min():.3f} to {trained_biases.max():.3f}, "
      f"{int((trained_biases > 0).sum())} of 64 positive; untrained: all {float(np.abs(untrained_biases).max())}")
print(f"maps lit on the black corner: trained {int((corner_trained > 0).sum())} of 64, "
      f"untrained {int((corner_untrained > 0).sum())} of 64")
results.record(
    trained_bias_min=float(trained_biases.min()), trained_bias_max=float(trained_biases.max()),
    lit_background_maps=int((corner_trained > 0).sum()),
    claims={"lit_backgrounds_are_the_biases": (
        not x_test[0, :3, :3].any() and not np.any(untrained_biases) and not corner_untrained.any()
        and np.allclose(corner_trained, np.maximum(trained_biases, 0), atol=1e-6) and corner_trained.any(),
        "on the black corner, the untrained maps (zero biases) are all exactly 0 and every trained map equals "
        "ReLU of its bias, some of them above 0")},
)

# %% [markdown]
# In our run the trained biases go from -0.004<!-- value: trained_bias_min --> to
# 0.135<!-- value: trained_bias_max -->, so 47<!-- value: lit_background_maps --> of the 64 trained maps are above
# 0 on black, most of them by too little to see: only the maps of the largest biases are visibly lit. So the
# pictures do tell the two networks apart, but by the biases: they show *that* the network was trained, not *what*
# its filters detect. Measurements can say more. The same probe as in section 5, for the untrained network, and
# each network's accuracy on the same images:

# %%
untrained_probe = [nearest_mean_probe(means, study_labels) for means in untrained_means]
print(format_table([{"layer": name, "probe, trained": trained, "probe, untrained": untrained}
                    for name, trained, untrained in zip(layer_names, trained_probe, untrained_probe, strict=True)]))
trained_accuracy = float((model.predict(study_images, verbose=0).argmax(axis=1) == study_labels).mean())
untrained_accuracy = float((untrained_model.predict(study_images, verbose=0).argmax(axis=1) == study_labels).mean())
print(f"accuracy on these images: trained {trained_accuracy:.3f}, untrained {untrained_accuracy:.3f}")
results.record(
    probe_untrained_first_layer=untrained_probe[0],
    probe_untrained_last_layer=untrained_probe[-1],
    accuracy_trained=trained_accuracy,
    accuracy_untrained=untrained_accuracy,
    claims={
        "training_adds_class_information": (
            trained_probe[-1] > untrained_probe[-1],
            "after the last layer, the trained network's probe beats the untrained one's"),
        "training_gain_grows_with_depth": (
            trained_probe[-1] - untrained_probe[-1] > trained_probe[0] - untrained_probe[0],
            "training raises the probe's accuracy more at the last layer than at the first"),
    },
)

# %% [markdown]
# Two things stand out in our run. First, the untrained network's probe is far above chance
# (0.52<!-- value: probe_untrained_first_layer --> at the first layer, where chance is 0.10): the average brightness
# of a map reflects the garment's size and outline, whatever random filter drew it. So "this layer carries class
# information" is no evidence of learning on its own. Second, what training adds shows only in the comparison:
# little at the first layer (0.517<!-- value: probe_accuracy_first_layer --> against
# 0.517<!-- value: probe_untrained_first_layer -->), more at the last
# (0.672<!-- value: probe_accuracy_last_layer --> against 0.579<!-- value: probe_untrained_last_layer -->), and a
# classifier at 0.903<!-- value: accuracy_trained --> against the untrained one's guessing
# (0.047<!-- value: accuracy_untrained -->; chance is 0.1).
#
# So: compare against an untrained copy, or measure, before concluding that a filter "detects" something. A map
# that looks like an edge detector proves that the layer is a convolution, not that it learned.

# %% [markdown]
# ## 7. Explore every image, layer and filter
#
# Move the sliders: `image` picks one of the 12 sample test images, `layer` goes from 0 (conv 1) to 3 (pool 2),
# `filter_index` picks one of the 64 filters. Without ipywidgets (a static viewer, or a plain Python run) you get
# the figure for the starting values.

# %%
def show_feature_map(image: int, layer: int, filter_index: int) -> None:
    """One sample image next to one filter's map at one layer."""
    plots.feature_map_panel(sample_images[image], [maps[image] for maps in sample_maps], layer_names,
                            layer, filter_index)


# %% tags=["nbval-ignore-output"]
explorer.explore(show_feature_map, image=(0, len(sample_images) - 1, 0), layer=(0, len(layer_names) - 1, 3),
                 filter_index=(0, 63, chosen_filters[-1]))

# %% [markdown]
# Things to try: find a first-layer filter that outlines only the top edge of garments; compare the trouser
# filter at `layer=3` on a trouser and on a shirt; find a deep filter that is dark for almost every image (a
# "dead" filter: ReLU output stuck at 0).

# %% [markdown]
# ## 8. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb05 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** A different network: input `(28, 28, 1)` → `Conv2D(32, (5, 5))` → `MaxPooling2D(2)` →
# `Conv2D(64, (3, 3), padding="same")` → `MaxPooling2D(2)`. What is the shape of one image's output after the last
# layer, as `(height, width, channels)`?

# %%
output_shape = ...  # (height, width, channels)

ex.q1.check(output_shape)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Which of these four 3 × 3 kernels detects **vertical** edges? Try them on `ascent` with
# `tf.nn.conv2d` (as in section 2) if you are unsure. Answer with a letter.

# %% tags=["nbval-check-output"]
for letter, kernel in ex.KERNELS.items():
    print(f"kernel {letter}:\n{kernel}\n")

# %%
vertical_edge_kernel = ...  # "A", "B", "C" or "D"

ex.q2.check(vertical_edge_kernel)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Write `strongest_filter(feature_maps)`: given one image's maps at one layer, shaped
# `(height, width, channels)`, return the index of the filter with the largest mean response. Then try it on
# `shown_maps[-1][0]`, the last layer's maps of the first trouser image in section 5's figure: is the strongest
# filter on a trouser image the trouser filter of section 5, `chosen_filters[-1]`? (Strongest on one image and
# specific to a class are different questions.)

# %%
def strongest_filter(feature_maps):
    ...  # your code here


ex.q3.check(strongest_filter)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Does a network trained on digits learn zero-sum (contrast) kernels too?** A real experiment,
# about 35 s in full mode. Write `train_on_digits()`: it loads MNIST with `data.load_mnist(fast=(4000, 1000))` (so
# that fast mode stays fast), builds a fresh `build_first_cnn()`, compiles it and trains it for one epoch on the
# digits, and returns the model. The next cell measures its first-layer kernels exactly as section 2 did.

# %% tags=["stretch-answer"]
def train_on_digits():
    ...  # your code here: return a trained build_first_cnn()

# %%
digits_model = digits_summary = None
if ex.stretch.ready(train_on_digits):
    keras.utils.set_random_seed(SEED)
    with Timer() as digits_time:
        digits_model = train_on_digits()
    digits_summary = kernel_summary(digits_model.layers[1].kernel.numpy())
    print(format_table([{"kernels": "trained on clothes", **trained_summary},
                        {"kernels": "trained on digits", **digits_summary},
                        {"kernels": "untrained", **untrained_summary},
                        {"kernels": "zero-sum random (mean of 5)", "orientation": np.mean(zero_sum_orientation),
                         "zero sum": 0.0}]))
    print(f"({digits_time})")

# %% [markdown]
# Apply section 2's test of what training did to the digit model: less than half the untrained kernels' distance
# from zero-sum, and more than twice their orientation score. Does it pass, `True` or `False`? (Section 2's
# zero-sum random kernels are the floor to read the digit model's orientation against.)

# %% tags=["stretch-answer"]
digits_made_edges = ...  # True or False

ex.stretch.check(digits_made_edges, model=digits_model, digits=digits_summary, untrained=untrained_summary)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - First-layer kernels are tiny images; running them on a real photo shows which edges they follow. Training made
#   them nearly zero-sum (contrast filters), and zero-sum *random* kernels score about as high on the orientation
#   test: the zero sum explains most of the score, the learned arrangement adds a smaller part. Read every score
#   against its floor. (One trained network only: how much these numbers move between training seeds, the ceiling,
#   is not measured here; training `build_first_cnn(seed=...)` a second time would measure it.)
# - `keras.Model(model.inputs, [layer.output ...])` returns every layer's feature maps from the trained layers.
# - Valid 3 × 3 convolutions remove 2 pixels, 2 × 2 pooling halves; meanwhile the receptive field grows
#   (3 → 4 → 8 → 10 pixels here), so deep values describe larger parts of the image.
# - A deep filter chosen on half the images separates trousers from every other class on the other half, better
#   than the untrained copy's chosen filter, and the class probe gains more from training at the last layer than at
#   the first. Measure on held-out images, against every class and against the floor.
# - Always compare with an untrained network or a number: pictures alone do not prove a filter learned anything.
#
# **Next: [06 · MNIST with callbacks](06_mnist_callbacks.ipynb)** moves the CNN to handwritten digits, stops
# training at a validation target, keeps the best model on disk, and studies the mistakes.
