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
# - how images of one class light up the same deep filters, and how to measure that;
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
        and horizontal_score[horizontal_filter] > vertical_score[horizontal_filter],
        "one kernel follows vertical edges more than horizontal ones, another the reverse")},
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
# 0.90<!-- value: vertical_kernel_vertical_corr -->, against 0.45<!-- value: vertical_kernel_horizontal_corr --> with
# the horizontal ones) and kernel 38<!-- value: horizontal_kernel --> with the horizontal edges
# (0.80<!-- value: horizontal_kernel_horizontal_corr --> against 0.38<!-- value: horizontal_kernel_vertical_corr -->).
# Their printed weights show why: one side of the kernel is negative, the opposite side positive, as in the Sobel
# filters you will write by hand in notebook 07. (Your run may pick other kernels; the printed numbers are yours.)
#
# **Did training make them, or would any random kernel do?** A random 3×3 kernel is also some weighted mix of
# neighbouring pixels, so it responds to edges too. The control is the untrained copy: the same two measurements
# for its 64 kernels. Two numbers summarise each set. *Orientation*: the average, over the 64 kernels, of
# |correlation with vertical edges − correlation with horizontal edges|: 0 when a kernel does not care about the
# direction. *Zero sum*: the median of |sum of the weights| / sum of |weights|: 0 when a kernel ignores flat
# brightness and answers only to change, as an edge detector does; 1 for a pure blur.

# %%
def kernel_summary(layer_kernels: np.ndarray) -> dict:
    """Orientation selectivity on ascent, and how close to zero-sum the kernels are."""
    kernel_maps = kernel_responses(layer_kernels)
    vertical = correlation_with(vertical_edges, kernel_maps)
    horizontal = correlation_with(horizontal_edges, kernel_maps)
    squares = layer_kernels[:, :, 0, :]
    zero_sum = np.abs(squares.sum(axis=(0, 1))) / np.abs(squares).sum(axis=(0, 1))
    return {"orientation": float(np.abs(vertical - horizontal).mean()), "zero sum": float(np.median(zero_sum))}


trained_summary = kernel_summary(first_kernels)
untrained_summary = kernel_summary(untrained_model.layers[1].kernel.numpy())
print(format_table([{"kernels": "trained", **trained_summary}, {"kernels": "untrained", **untrained_summary}]))
results.claim("training_made_edge_kernels",
              trained_summary["orientation"] > 2 * untrained_summary["orientation"]
              and trained_summary["zero sum"] < 0.5 * untrained_summary["zero sum"],
              "trained kernels are more than twice as orientation-selective as untrained ones, and less than half "
              "as far from zero-sum")

# %% [markdown]
# The difference is large, and the check above holds for every seed we tried: training turned the random kernels
# into oriented, nearly zero-sum difference filters, edge detectors. Nobody programmed them: training found them
# because edges help to tell garments apart. Section 6 shows why such a control matters.

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
# If deep filters encode parts of garments, images of one class should light up the same deep filters, and an
# image of another class should not. Let's test it on trousers. For each layer we pick the filter whose average
# response is most specific to trousers: largest mean on trouser images minus mean on all others, in units of the
# filter's overall spread. We measure on 2,000 test images, then show three *other* trouser images and, as a
# control, a sneaker.

# %%
study_count = mode.by_mode(full=2000, fast=600)
study_images, study_labels = x_test[:study_count], test_labels[:study_count]


def mean_responses(activations: keras.Model, images: np.ndarray, batch_size: int = 250) -> list[np.ndarray]:
    """Each layer's mean response per image and filter, (N, filters) per layer; batched to keep memory low."""
    per_batch = [[maps.mean(axis=(1, 2)) for maps in activations.predict(images[start:start + batch_size], verbose=0)]
                 for start in range(0, len(images), batch_size)]
    return [np.concatenate(layer_means) for layer_means in zip(*per_batch, strict=True)]


study_means = mean_responses(activation_model, study_images)


def class_specific_filter(channel_means: np.ndarray, labels: np.ndarray, class_index: int) -> tuple[int, float]:
    """The channel whose mean response best separates one class from the rest, and that separation."""
    inside, outside = channel_means[labels == class_index], channel_means[labels != class_index]
    separation = (inside.mean(axis=0) - outside.mean(axis=0)) / (channel_means.std(axis=0) + 1e-6)
    return int(np.argmax(separation)), float(separation.max())


trouser, sneaker = class_names.index("Trouser"), class_names.index("Sneaker")
chosen_filters = [class_specific_filter(means, study_labels, trouser) for means in study_means]
for name, (channel, separation) in zip(layer_names, chosen_filters, strict=True):
    print(f"{name}: filter {channel:2d}, trousers above the rest by {separation:.2f} standard deviations")

# %% [markdown]
# Rows: three trouser images not used to choose the filters, then the sneaker. Columns: each layer's chosen filter.

# %%
unseen_labels = test_labels[study_count:]  # images not used to choose the filters
shown = [*np.flatnonzero(unseen_labels == trouser)[:3], np.flatnonzero(unseen_labels == sneaker)[0]]
shown = [int(index) + study_count for index in shown]
shown_maps = activation_model.predict(x_test[shown], verbose=0)
strength = np.array([[maps[row, :, :, channel].mean() for maps, (channel, _) in zip(shown_maps, chosen_filters,
                                                                                      strict=True)]
                     for row in range(len(shown))])

# %%
# (extra code) shows the images that excite each filter most
column_max = [float(maps[..., channel].max()) for maps, (channel, _) in zip(shown_maps, chosen_filters, strict=True)]
fig, axes = plt.subplots(len(shown), 1 + len(layer_names), figsize=(10, 2.2 * len(shown)))
for row, index in enumerate(shown):
    axes[row, 0].imshow(x_test[index, :, :, 0], cmap="gray")
    axes[row, 0].set_title(class_names[test_labels[index]] + (" (control)" if row == len(shown) - 1 else ""),
                           fontsize=9)
    for column, (maps, (channel, _)) in enumerate(zip(shown_maps, chosen_filters, strict=True), start=1):
        # One colour scale per column, shared by the four images, so brightness compares across rows.
        axes[row, column].imshow(maps[row, :, :, channel], cmap="viridis", vmin=0, vmax=column_max[column - 1])
        axes[row, column].set_title(f"{layer_names[column - 1]} f{channel}: {strength[row, column - 1]:.2f}",
                                    fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Each layer's most trouser-specific filter (title: mean response)")
fig.tight_layout()
plt.show()

# %%
rows = [{"image": f"{class_names[test_labels[index]]} #{index}", **{name: strength[row, column]
        for column, name in enumerate(layer_names)}} for row, index in enumerate(shown)]
print(format_table(rows))
sneaker_share = strength[3] / strength[:3].mean(axis=0)  # the sneaker's response as a share of the trousers'
print("sneaker response / mean trouser response, per layer:", np.round(sneaker_share, 2))
results.claim("deep_trouser_filter_is_specific", strength[:3, -1].min() > strength[3, -1]
              and sneaker_share[-1] < sneaker_share[0],
              "the last layer's trouser filter responds more to each trouser than to the sneaker, and the "
              "sneaker's share of the trouser response is smaller there than at the first layer")

# %% [markdown]
# **What early and deep layers respond to.** Compare the columns. The first layer's filter responds to the
# outline of whatever is in front of it: its trouser map and its sneaker map are both edge drawings. Moving right,
# the maps get coarser and the gap opens: the last line above gives the sneaker's response as a share of the
# trousers', layer by layer, and the check confirms that it is smaller at the last layer than at the first. Early
# layers detect *local patterns* (edges, in every image); deep layers detect
# *combinations* of them that occur in some classes more than others. What combination this filter has learned we
# cannot read off the maps: "two long vertical edges, so legs" would be a story, not a measurement, and section 6
# shows how easily maps invite one. What we did measure is that its response separates trousers from a sneaker.
#
# We can measure that for every filter at once. Describe each image, at each layer, by just its 64 filters'
# average responses, and ask how well those 64 numbers tell the class: for each class, average the descriptions of
# the first half of the images; then give each image of the second half the class whose average is nearest
# (a *nearest-class-mean probe*). Chance is 0.1.

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
# 0.69<!-- value: probe_accuracy_last_layer --> after the last pooling: the deep layers' 64 averages alone name the
# class far more often than chance (0.1), with no classifier trained on them.

# %% [markdown]
# ## 6. Common mistake: reading meaning into feature maps without a baseline
#
# Feature maps are easy to over-interpret. Here is the untrained copy from section 2 again, its weights still
# random. Its first-layer maps look just as much like "edge detectors" as the trained ones: any small random kernel
# computes some weighted mix of neighbouring pixels, so it outlines the garment. (Section 2 measured the kernels
# themselves and found the difference; the pictures of the maps do not show it.)

# %%
untrained_activations = keras.Model(
    inputs=untrained_model.inputs,
    outputs=[layer.output for layer in untrained_model.layers
             if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D))],
)
untrained_first_maps = untrained_activations.predict(sample_images[:1], verbose=0)[0]

# %%
# (extra code) shows the untrained network's first-layer maps
plots.channel_grid(untrained_first_maps[0], count=16, columns=16, title="UNTRAINED network, conv 1: looks plausible")
plt.show()

# %% [markdown]
# The pictures cannot tell the two networks apart; measurements can. The same probe as in section 5, for the
# untrained network, and each network's accuracy on the same images:

# %%
untrained_means = mean_responses(untrained_activations, study_images)
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
    claims={"training_adds_class_information": (
        trained_probe[-1] > untrained_probe[-1],
        "after the last layer, the trained network's probe beats the untrained one's")},
)

# %% [markdown]
# Two things stand out in our run. First, the untrained network's probe is far above chance
# (0.52<!-- value: probe_untrained_first_layer --> at the first layer, where chance is 0.10): the average brightness
# of a map reflects the garment's size and outline, whatever random filter drew it. So "this layer carries class
# information" is no evidence of learning on its own. Second, what training adds shows only in the comparison:
# little at the first layer (0.520<!-- value: probe_accuracy_first_layer --> against
# 0.517<!-- value: probe_untrained_first_layer -->), more at the last
# (0.687<!-- value: probe_accuracy_last_layer --> against 0.579<!-- value: probe_untrained_last_layer -->), and a
# classifier at 0.909<!-- value: accuracy_trained --> against the untrained one's guessing
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
                 filter_index=(0, 63, chosen_filters[-1][0]))

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
# `sample_maps[3][0]`: is it the trouser filter of section 5?

# %%
def strongest_filter(feature_maps):
    ...  # your code here


ex.q3.check(strongest_filter)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Does a network trained on digits learn edge detectors too?** A real experiment, about 35 s in
# full mode. Write `train_on_digits()`: it loads MNIST with `data.load_mnist(fast=(4000, 1000))` (so that fast mode
# stays fast), builds a fresh `build_first_cnn()`, compiles it and trains it for one epoch on the digits, and returns
# the model. The next cell measures its first-layer kernels exactly as section 2 did.

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
                        {"kernels": "untrained", **untrained_summary}]))
    print(f"({digits_time})")

# %% [markdown]
# Apply section 2's test to the digit model: more than twice the untrained orientation selectivity, and less than
# half its distance from zero-sum. Does it pass, `True` or `False`?

# %% tags=["stretch-answer"]
digits_made_edges = ...  # True or False

ex.stretch.check(digits_made_edges, model=digits_model, digits=digits_summary, untrained=untrained_summary)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - First-layer kernels are tiny images; the ones with opposite signs on opposite sides are edge detectors, and
#   running them on a real photo shows which edges.
# - `keras.Model(model.inputs, [layer.output ...])` returns every layer's feature maps from the trained layers.
# - Valid 3 × 3 convolutions remove 2 pixels, 2 × 2 pooling halves; meanwhile the receptive field grows
#   (3 → 4 → 8 → 10 pixels here), so deep values describe larger parts of the image.
# - Early filters respond to edges in every image; deep filters respond to one class's parts, measurably.
# - Always compare with an untrained network or a number: pictures alone do not prove a filter learned anything.
#
# **Next: [06 · MNIST with callbacks](06_mnist_callbacks.ipynb)** moves the CNN to handwritten digits, stops
# training at a validation target, keeps the best model on disk, and studies the mistakes.
