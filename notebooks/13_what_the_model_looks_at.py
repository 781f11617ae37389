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
# # 13 · What the model looks at: saliency maps, and how far to trust them
# <!-- course-map: What the model looks at | Vanilla gradients, Grad-CAM and occlusion for right and wrong predictions
# of notebook 02's CNN; how far they agree, measured against a control; the sanity check (randomise the weights from
# the top) and which maps fail it; the unresized-overlay mistake; Grad-CAM on a global-pooling head. -->
#
# **Why this matters.** A CNN says "sneaker". Which pixels made it say so? *Saliency maps* answer with a heat map
# over the image, and they are easy to make and easier to over-read. Adebayo et al. (2018, "Sanity checks for
# saliency maps") showed that some popular maps barely change when the model's weights are replaced by random ones:
# such a map shows the image, not what the model learned. This notebook makes three kinds of map for the course's
# own trained CNN, measures how far they agree, and runs that sanity check, as a control, the way this course
# checks every claim.
#
# *CNNs, hands-on* · going further, notebook 13 · previous:
# [**12 · residual connections**](12_residual_connections.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/13_what_the_model_looks_at.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/13_what_the_model_looks_at.ipynb)

# %% [markdown]
# ## You will learn
#
# - three ways to ask which pixels drove a prediction: the **vanilla gradient**, **Grad-CAM** and **occlusion**;
# - how far the three agree, measured against a control;
# - the **sanity check**: randomise the weights layer by layer from the top and see which maps change;
# - why a map must be resized onto the input before you read it, and why a map of a wrong prediction explains the
#   wrong class.

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
# ## 1. The model to explain
#
# Notebook 02's first CNN, `build_first_cnn()`: two convolution blocks (64 filters each), a dense layer and a
# softmax, trained here on 10,000 Fashion-MNIST images for 2 epochs (Adam, cosine schedule from 0.002, batches of
# 128). Then 64 test images to explain: the first 48 it gets right and the first 16 it gets wrong.

# %%
from course_utils.models import build_first_cnn, compile_with_cosine  # notebook 02's CNN and recipe

(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(fast=(2_000, None))
names = data.FASHION_CLASS_NAMES
train_images, train_labels = train_images[:10_000], train_labels[:10_000]  # 10,000 of the 60,000 training images
epochs = mode.by_mode(full=2, fast=1)


def train(model: keras.Model) -> None:
    """Train on the images above: Adam with a cosine schedule from 0.002, batches of 128, `epochs` passes."""
    steps = epochs * int(np.ceil(len(train_images) / 128))
    compile_with_cosine(model, rate=0.002, steps=steps, steps_per_execution=16)  # notebook 02's recipe
    model.fit(train_images[..., np.newaxis], train_labels, epochs=epochs, batch_size=128, verbose=0)


model = build_first_cnn()
with Timer() as training_time:
    train(model)
predicted = model.predict(test_images[..., np.newaxis], batch_size=250, verbose=0).argmax(axis=1)  # 250: less memory
test_accuracy = float(np.mean(predicted == test_labels))
print(f"trained in {training_time}; test accuracy {test_accuracy:.4f}")
results.expect("test_accuracy", test_accuracy, full=(0.78, 1.0))

right = np.flatnonzero(predicted == test_labels)[:48]
wrong = np.flatnonzero(predicted != test_labels)[:16]
chosen = np.concatenate([right, wrong])
images = test_images[chosen][..., np.newaxis].astype(np.float32)  # (64, 28, 28, 1), pixel values 0 to 255
classes = predicted[chosen]  # each map explains the class the model predicted
is_right = np.isin(chosen, right)

# %% [markdown]
# ## 2. Three maps
#
# Each map scores every pixel for one image and one class `c`, the class the model predicted. All three explain
# the same number, the class's **score** `z_c`: the last layer's output *before* its softmax (the logit). The
# softmax's probability is a poor target for gradients: once the model is sure (`p_c` near 1) it hardly moves,
# whatever the pixels do.
#
# - **Vanilla gradient** (Simonyan et al., 2013): `|∂z_c / ∂x|`, how much a tiny change of each pixel would change
#   the score. One backward pass; sharp, and noisy.
# - **Grad-CAM** (Selvaraju et al., 2017): take the last convolution layer's feature maps `A_k` (here 11×11, 64 of
#   them), weight each by the average gradient of the score over its positions, `α_k = mean(∂z_c / ∂A_k)`, add them
#   up and keep the positive part: `ReLU(Σ α_k A_k)`. Coarse (11×11), so it is **resized** to 28×28.
# - **Occlusion** (Zeiler and Fergus, 2014): cover a 6×6 patch with black, slide it by 2 pixels, and measure how
#   much `z_c` drops; each pixel gets the average drop of the patches that covered it. No gradients at all; 144
#   forward passes per image.
#
# The first function runs the model layer by layer, so that the score before the softmax and the last
# convolution's maps are both at hand.

# %%
def class_scores(model: keras.Model, x: tf.Tensor, classes: np.ndarray) -> tuple[tf.Tensor, tf.Tensor]:
    """Each image's score z_c before the softmax (N,) and the last Conv2D's maps A (N, h, w, k)."""
    *body, last = model.layers  # last: Dense(10, activation="softmax")
    for layer in body:
        x = layer(x, training=False)
        if isinstance(layer, keras.layers.Conv2D):
            feature_maps = x
    logits = tf.matmul(x, last.kernel) + last.bias  # the Dense layer without its softmax
    return tf.gather(logits, np.asarray(classes, dtype=np.int64), batch_dims=1), feature_maps


def vanilla_gradient(model: keras.Model, images: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """|d z_c / d x| for each image (N, 28, 28, 1) and its class c: (N, 28, 28)."""
    x = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores, _ = class_scores(model, x, classes)
    return np.abs(tape.gradient(scores, x).numpy()[..., 0])


def grad_cam(model: keras.Model, images: np.ndarray, classes: np.ndarray, resize: bool = True) -> np.ndarray:
    """ReLU(sum_k alpha_k A_k) on the last Conv2D's maps: (N, 28, 28) resized bilinearly, or (N, h, w) if not."""
    with tf.GradientTape() as tape:
        scores, feature_maps = class_scores(model, tf.constant(images), classes)
    alpha = tf.reduce_mean(tape.gradient(scores, feature_maps), axis=(1, 2))  # one weight per map: (N, k)
    cam = tf.nn.relu(tf.einsum("nhwk,nk->nhw", feature_maps, alpha))
    if not resize:
        return cam.numpy()
    return tf.image.resize(cam[..., tf.newaxis], images.shape[1:3], method="bilinear").numpy()[..., 0]


def occlusion(model: keras.Model, images: np.ndarray, classes: np.ndarray, patch: int = 6,
              stride: int = 2) -> np.ndarray:
    """Average drop of z_c when a black patch covers each pixel: (N, 28, 28)."""
    base = class_scores(model, tf.constant(images), classes)[0].numpy()
    drop, count = np.zeros(images.shape[:3]), np.zeros(images.shape[1:3])
    for top in range(0, images.shape[1] - patch + 1, stride):
        for left in range(0, images.shape[2] - patch + 1, stride):
            covered = images.copy()
            covered[:, top:top + patch, left:left + patch] = 0
            change = base - class_scores(model, tf.constant(covered), classes)[0].numpy()
            drop[:, top:top + patch, left:left + patch] += change[:, np.newaxis, np.newaxis]
            count[top:top + patch, left:left + patch] += 1
    return drop / count


METHODS = {"vanilla gradient": vanilla_gradient, "Grad-CAM": grad_cam, "occlusion": occlusion}
maps = {}
for name, method in METHODS.items():
    with Timer() as took:
        maps[name] = method(model, images, classes)
    print(f"{name}: {len(images)} maps in {took}")

# %% [markdown]
# Four of the images, two the model got right and two it got wrong. Each map is scaled to its own 0-to-1 range
# (brightest = most important *for that map*), with one colour scale shared by every panel, so brightness compares
# across panels; the titles say right or wrong in words.

# %%
# (extra code) shows four images with their three maps, each map on its own 0-to-1 range (exercise 2 writes that)
shown = [0, 1, 48, 49]  # two right, two wrong
figure, axes = plt.subplots(len(shown), 4, figsize=(8, 2.1 * len(shown)))
for row, index in enumerate(shown):
    verdict = "RIGHT" if is_right[index] else f"WRONG (true: {names[test_labels[chosen[index]]]})"
    axes[row, 0].imshow(images[index, ..., 0], cmap="gray")
    axes[row, 0].set_title(f"said {names[classes[index]]}\n{verdict}", fontsize=8)
    for column, (name, values) in enumerate(maps.items(), start=1):
        own_range = plt.Normalize(values[index].min(), values[index].max())  # 0 everywhere for a constant map
        image = axes[row, column].imshow(own_range(values[index]), cmap="magma", vmin=0, vmax=1)
        axes[row, column].set_title(name, fontsize=8)
for axis in axes.ravel():
    axis.axis("off")
figure.colorbar(image, ax=axes, shrink=0.6, label="importance (each map scaled to 0-1)")
plt.show()

# %% [markdown]
# ## 3. How far do the three agree?
#
# Look at the maps and they seem to agree; measure it. For each image, the **rank correlation** (Spearman) between
# two maps, after averaging each over 4×4 blocks (the vanilla gradient is noisy at the pixel scale; Grad-CAM is
# coarse): 1 = the same ranking of the 49 blocks, 0 = unrelated. A map that is the same everywhere (Grad-CAM's
# ReLU can leave nothing) ranks nothing, so it counts as 0. As a control, the same correlation between one image's
# map and the *next* image's map: what two maps share just by being maps of centred clothes.

# %%
from scipy import stats as scipy_stats


def blocks(maps: np.ndarray, size: int = 4) -> np.ndarray:
    """Average each map (N, 28, 28) over size x size blocks, flattened: (N, (28 // size) ** 2)."""
    n, h, w = maps.shape
    return maps.reshape(n, h // size, size, w // size, size).mean(axis=(2, 4)).reshape(n, -1)


def agreement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman rank correlation between a[i] and b[i] for every image, on 4x4 blocks: (N,)."""
    a, b = blocks(a), blocks(b)
    return np.array([scipy_stats.spearmanr(x, y).statistic if np.ptp(x) > 0 and np.ptp(y) > 0 else 0.0
                     for x, y in zip(a, b, strict=True)])


pairs = [("vanilla gradient", "Grad-CAM"), ("vanilla gradient", "occlusion"), ("Grad-CAM", "occlusion")]
gains = {}
for first, second in pairs:
    same = agreement(maps[first], maps[second])
    control = agreement(maps[first], np.roll(maps[second], 1, axis=0))  # each map against the next image's
    gains[first, second] = stats.paired(same, control)
    print(f"{first} vs {second}: mean {same.mean():+.3f} (right {same[is_right].mean():+.3f}, wrong "
          f"{same[~is_right].mean():+.3f}); control {control.mean():+.3f}")
    print(f"    same image minus control: {gains[first, second]}")
    key = f"{first}_{second}".lower().replace(" ", "_").replace("-", "_")
    results.record(**{f"agreement_{key}": float(same.mean()), f"control_{key}": float(control.mean())})

# %% [markdown]
# Read the three lines with their controls. Every mean correlation is weak, well under 0.5, and the control reaches
# much of it: part of what two maps share is only that both are maps of a garment in the middle of a black
# frame. Beyond the control, the gain is small, and its t-interval over the 64 images says for each pair whether
# it is even distinguishable from none; which pairs pass changes with the seed. The gallery's maps *look* alike
# because they are all garment-shaped; measured, they agree on little more. And agreement is about *where*
# the evidence is, block by block; even a perfect agreement would not say the evidence is right.

# %%
results.record(claims={
    "agreement_is_weak": (all(float(agreement(maps[a], maps[b]).mean()) < 0.5 for a, b in pairs),
                          "every pair of methods has a mean rank correlation under 0.5"),
    "little_beyond_control": (all(gain.difference < 0.3 for gain in gains.values()),
                              "no pair agrees by more than 0.3 beyond its control"),
})

# %% [markdown]
# ## 4. The sanity check: randomise the model, top first
#
# If a map explains what the model learned, it should change when what the model learned is destroyed. Adebayo et
# al.'s *cascading randomisation*: replace the weights of the top layer with fresh random ones (Keras's initial
# distribution), recompute the maps for the same images and classes, and measure how similar they stay to the
# trained model's maps; then randomise the next layer down too, and so on, down to the first convolution. The
# similarity is the same block-wise rank correlation as above, averaged over the 64 images.
#
# Two references: a map that stays as similar as at the start (1) ignores the weights entirely; and the similarity
# between each map and the **image itself** (its pixel values, block by block) shows how much of a map is just the
# picture.

# %%
fresh = build_first_cnn(seed=SEED + 1)  # the same architecture with fresh random weights, from Keras's initialisers
copy = build_first_cnn()  # receives the trained weights, then the fresh ones layer by layer from the top
weighted = [index for index, layer in enumerate(model.layers) if layer.weights]  # the 2 Conv2D and 2 Dense


def randomised(layers_from_top: int) -> keras.Model:
    """The trained model with its top `layers_from_top` weighted layers replaced by fresh random ones."""
    copy.set_weights(model.get_weights())
    for index in weighted[len(weighted) - layers_from_top:]:
        copy.layers[index].set_weights(fresh.layers[index].get_weights())
    return copy


stages = ["trained", "output Dense", "+ Dense(128)", "+ 2nd Conv2D", "+ 1st Conv2D"]  # randomised so far
similarity = {name: [1.0] for name in maps}
with Timer() as cascade_time:
    for depth in range(1, len(weighted) + 1):
        for name, method in METHODS.items():
            random_map = method(randomised(depth), images, classes)
            similarity[name].append(float(agreement(maps[name], random_map).mean()))
picture = {name: float(agreement(maps[name], images[..., 0]).mean()) for name in maps}
print(f"cascading randomisation in {cascade_time}")
print("similarity to the trained model's map, after randomising from the top down to:")
print(f"{'':<18}" + "".join(f"{stage:>17}" for stage in stages))
for name in maps:
    print(f"{name:<18}" + "".join(f"{value:>17.3f}" for value in similarity[name])
          + f"   | similarity to the image itself: {picture[name]:+.3f}")

# %%
# (extra code) draws the similarity after each randomisation step, one line per method, on a shared scale
figure, axis = plt.subplots(figsize=(7.5, 3.6))
for (name, values), marker in zip(similarity.items(), ("o", "s", "^"), strict=True):
    axis.plot(range(len(stages)), values, marker=marker, label=name)
axis.axhline(0, color="gray", linewidth=0.8)
axis.set_xticks(range(len(stages)), stages, rotation=20, fontsize=8)
axis.set(ylim=(-0.2, 1.05), ylabel="similarity to the trained map\n(mean rank correlation)",
         title="Cascading randomisation: which maps depend on what the model learned?")
axis.legend()
axis.grid(alpha=0.3)
figure.tight_layout()
plt.show()

# %%
after_top = {name: values[1] for name, values in similarity.items()}
after_all = {name: values[-1] for name, values in similarity.items()}
results.record(
    **{f"{measure}_{name.lower().replace(' ', '_').replace('-', '_')}": values[name] for name in similarity
       for measure, values in [("after_top_layer", after_top), ("after_all_layers", after_all),
                               ("similarity_to_image", picture)]},
    claims={
        "top_layer_changes_grad_cam_and_occlusion": (
            max(after_top["Grad-CAM"], after_top["occlusion"]) < 0.4,
            "randomising the output layer alone leaves Grad-CAM's and occlusion's maps under 0.4 similar"),
        "vanilla_survives_randomisation": (
            after_all["vanilla gradient"] > 0.5,
            "with every layer random, the vanilla gradient's map stays more than 0.5 similar to the trained one"),
        "vanilla_survives_best": (
            after_all["vanilla gradient"] > max(after_all["Grad-CAM"], after_all["occlusion"]) + 0.2,
            "with every layer random, the vanilla gradient stays at least 0.2 more similar than the others"),
        "occlusion_resembles_the_image_too": (
            min(picture["occlusion"], picture["vanilla gradient"]) > 0.25,
            "both occlusion's and the vanilla gradient's maps are more than 0.25 similar to the image itself"),
    },
)

# %% [markdown]
# What the measurements say about each method, on our model:
#
# - **Grad-CAM and occlusion pass the check.** Randomise the output layer alone and their maps lose almost all of
#   their trained form (similarity 0.016<!-- value: after_top_layer_grad_cam --> and
#   0.115<!-- value: after_top_layer_occlusion -->); they depend on what the model learned.
# - **The vanilla gradient fails it.** With *every* layer random, a model that knows nothing, its map is still
#   0.698<!-- value: after_all_layers_vanilla_gradient --> similar to the trained model's (Grad-CAM:
#   -0.025<!-- value: after_all_layers_grad_cam -->, occlusion: 0.076<!-- value: after_all_layers_occlusion -->). The
#   size of a gradient through ReLU layers is set largely by which units the *image* switches on, so the map traces
#   the garment whatever the weights. Adebayo et al. report the same of gradient maps on ImageNet models.
# - **Looking like the image is not the warning sign.** Occlusion's map resembles the image too
#   (0.466<!-- value: similarity_to_image_occlusion -->, against
#   0.427<!-- value: similarity_to_image_vanilla_gradient --> for the vanilla gradient): covering black background
#   changes nothing, so occlusion is zero there for any model. The warning sign is a map that stays when the model
#   is gone.
#
# So a vanilla-gradient map on its own says little about *this* model's reasoning; it needs this control before
# anyone reads it. One random draw of weights per step and 64 images make these numbers noisy by a few hundredths;
# the seed study in `docs/results.md` shows the pattern holds across seeds.

# %% [markdown]
# ## 5. Common mistake: drawing the coarse map over the image without resizing it
#
# Grad-CAM's raw map is 11×11, one cell per position of the last convolution. The natural way to overlay it,
# `plt.imshow(image)` and then `plt.imshow(cam, alpha=0.5)`, draws each array at one value per pixel: the 11×11
# map covers only the image's top-left 11×11 pixels, and every cell sits in the wrong place. Nothing fails, and the
# picture still looks like an explanation. (Matplotlib even zooms to the last array drawn, so you see only that
# corner; below, both panels show the whole image, so that you can see where the map lands.)

# %%
raw = grad_cam(model, images, classes, resize=False)  # (64, 11, 11): the map before resizing
figure, axes = plt.subplots(1, 2, figsize=(6.4, 3.4))
for axis, heat, title in zip(axes, (raw[0], maps["Grad-CAM"][0]),
                             ("the mistake: the 11×11 map as it is", "resized to 28×28 first"), strict=True):
    axis.imshow(images[0, ..., 0], cmap="gray")
    axis.imshow(heat, cmap="magma", alpha=0.5, vmin=0, vmax=raw[0].max())  # one colour scale for both panels
    axis.set(xlim=(-0.5, 27.5), ylim=(27.5, -0.5))  # the whole 28x28 image in view
    axis.set_title(title, fontsize=9)
    axis.axis("off")
plt.show()

# %% [markdown]
# The consequence, measured over the 64 images: the share of each map's total heat that falls on the garment
# (pixels with any ink). The reference is a flat map, whose share is just the share of the image the garment covers.

# %%
def share_on_garment(heat: np.ndarray) -> float:
    """Mean share of each map's total heat (N, 28, 28) that lies on pixels with ink in its image."""
    ink = images[..., 0] > 0
    total = heat.sum(axis=(1, 2))
    share = np.where(total > 0, (heat * ink).sum(axis=(1, 2)) / np.where(total > 0, total, 1), ink.mean(axis=(1, 2)))
    return float(share.mean())


pasted = np.zeros(images.shape[:3])
pasted[:, :raw.shape[1], :raw.shape[2]] = raw  # where imshow puts the 11x11 map
proper, careless, flat = (share_on_garment(maps["Grad-CAM"]), share_on_garment(pasted),
                          share_on_garment(np.ones(images.shape[:3])))
print(f"share of Grad-CAM's heat on the garment: resized {proper:.1%}, drawn as it is {careless:.1%} "
      f"(a flat map: {flat:.1%})")
results.record(garment_share_resized=proper, garment_share_pasted=careless, garment_share_flat=flat)

# %% [markdown]
# Resized, Grad-CAM puts 44.9%<!-- value: garment_share_resized --> of its heat on the garment; drawn as it is,
# 29.5%<!-- value: garment_share_pasted -->, less than a flat map's 47.4%<!-- value: garment_share_flat -->: the
# careless overlay points at the background. Note too what the resized figure says on its own: on this model even a
# properly placed Grad-CAM puts about as much of its heat on the garment as a flat map does (within 15 points
# either way, on every seed of the study), a first hint of what the stretch exercise explores. And resizing is
# itself an approximation: with valid convolutions, cell `i` of the 11×11 map is centred on input pixel `2i + 3.5`,
# while a plain resize spreads the cells from edge to edge, misplacing the outer ones by up to about 3 pixels.

# %%
results.record(claims={
    "resizing_matters": (
        proper > careless + 0.05,
        "the resized map puts more than 5 points more of its heat on the garment than the unresized one"),
    "unresized_points_at_background": (
        careless < flat - 0.05,
        "drawn unresized, the map puts at least 5 points less of its heat on the garment than a flat map"),
    "grad_cam_close_to_flat": (
        abs(proper - flat) < 0.15,
        "resized, Grad-CAM's share of heat on the garment is within 15 points of a flat map's"),
})

# %% [markdown]
# A second trap: reading a map of a **wrong** prediction as if it showed the evidence for the true class. Each map
# explains the class the model *said*. For the 16 images it got wrong, compare occlusion's map for the class it
# said with the map for the true class:

# %%
wrong_images, true_classes = images[~is_right], test_labels[chosen[~is_right]]
for_true_class = occlusion(model, wrong_images, true_classes)
said_vs_true = agreement(maps["occlusion"][~is_right], for_true_class)
print(f"occlusion, wrong predictions: map for the class said vs for the true class, mean similarity "
      f"{said_vs_true.mean():+.3f} (from {said_vs_true.min():+.2f} to {said_vs_true.max():+.2f})")
results.record(said_vs_true_class_similarity=float(said_vs_true.mean()), claims={"said_and_true_maps_differ": (
    said_vs_true.mean() < 0.6,
    "for wrong predictions, the maps for the class said and for the true class are under 0.6 similar")})

# %% [markdown]
# The two maps of the same image are far from identical (1 would be the same ranking): what raised the wrong
# class's score is not simply what would have raised the right one. A map of a wrong prediction shows what misled
# the model, which is useful for debugging; it is not a map of where the true class's evidence lies.

# %% [markdown]
# ## 6. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb13 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** Grad-CAM on this model weights each feature map of the last `Conv2D` by one number `α_k`. How
# many `α_k` does it compute for one image?

# %%
alpha_count = ...  # a whole number

ex.q1.check(alpha_count)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Write `normalise_map(heat)`: one map `(H, W)` scaled so that its smallest value becomes 0 and its
# largest 1. A map whose values are all equal carries no ranking: return zeros for it, not `nan`.

# %%
def normalise_map(heat):
    ...  # your code here


ex.q2.check(normalise_map)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** A saliency method's map hardly changes when every weight of the model is replaced by random
# numbers. What does its map mostly show? (a) what the model learned, (b) the input image, (c) the true label.
# Answer with a letter.

# %%
random_map_shows = ...  # "a", "b" or "c"

ex.q3.check(random_map_shows)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Does the head matter for Grad-CAM?** Grad-CAM gives each feature map *one* weight, the
# average of its gradient over all positions. On a model whose head averages each map too
# (`GlobalAveragePooling2D`, notebook 02's stretch exercise), the class score depends on each map only through one
# average, so one weight per map is close to what the model does (with nothing between the last convolution and
# the average, Grad-CAM equals the older CAM exactly). After `Flatten`, every position has its own weights in the
# dense layer, and one average per map throws that away. Measure whether it matters: build notebook
# 02's `build_gap_cnn()` (`build_first_cnn` with `Flatten` and `Dense(128)` replaced by
# `GlobalAveragePooling2D()`), train it with `train(gap_model)`, compute `grad_cam` and `occlusion` on it for the
# same `images` and `classes`, and measure their mean `agreement`. Compare it with the same agreement on the
# Flatten model, from section 3. (About 30 s.)

# %% tags=["stretch-answer"]
gap_model = ...  # build_gap_cnn(), trained with train(gap_model)
gap_agreement = ...  # mean agreement of Grad-CAM with occlusion on the GAP model
flatten_agreement = ...  # the same on the Flatten model: agreement(maps["Grad-CAM"], maps["occlusion"]).mean()

# %% [markdown]
# Is Grad-CAM's agreement with occlusion on the GAP model `"higher"`, `"lower"` or `"about the same"` as on the
# Flatten model? Count a difference within ±0.05 as the same.

# %% tags=["stretch-answer"]
gap_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(gap_verdict, gap=gap_agreement, flatten=flatten_agreement, model=gap_model,
                 reference=agreement(maps["Grad-CAM"], maps["occlusion"]).mean())

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - The vanilla gradient, Grad-CAM and occlusion each score pixels for one prediction, here for the logit of the
#   class the model said. They look alike in a gallery; measured against a control (another image's map), they
#   agreed on little beyond what any two maps of a centred garment share.
# - The sanity check is the control this topic needs. Randomising the model from the top changed Grad-CAM's and
#   occlusion's maps at once; the vanilla gradient's map survived even a fully random model, so on its own it shows
#   the garment more than what the model learned.
# - The costs: the vanilla gradient and Grad-CAM need one backward pass per image, occlusion 144 forward passes
#   (section 2 prints each one's time); and each map explains one class, the one the model said, wrong or right.
# - Common mistake: an 11×11 map drawn over a 28×28 image without resizing lands in the top-left corner and points
#   at the background.
# - What this short run cannot show: our model trained for 2 epochs on 10,000 images. How well the methods agree
#   on a model trained to convergence, or on a large ImageNet model, is a question for a longer run; the method
#   of answering it, a measurement beside a control, is the same.
#
# **Next:** this is the last notebook. Go back to **[05 · feature maps](05_feature_maps.ipynb)**, which showed what
# each layer computes for any image, with this notebook's question in mind: which of those computations mattered
# for one prediction? The [course map](../README.md) lists every notebook.
