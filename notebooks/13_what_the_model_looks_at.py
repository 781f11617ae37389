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
# <!-- course-map: What the model looks at | Vanilla gradients, guided backprop, Grad-CAM and occlusion for right and
# wrong predictions of notebook 02's CNN; every similarity read between a floor (untrained models) and a ceiling (a
# second trained model); the sanity check (randomise the weights from the top) and which maps fail it; the
# unresized-overlay mistake; Grad-CAM on a global-pooling head. -->
#
# **Why this matters.** A CNN says "sneaker". Which pixels made it say so? *Saliency maps* answer with a heat map
# over the image, and they are easy to make and easier to over-read. Adebayo et al. (2018, "Sanity checks for
# saliency maps") showed that some popular maps barely change when the model's weights are replaced by random ones:
# such a map shows the image, not what the model learned. This notebook makes four kinds of map for the course's
# own trained CNN, measures how far they agree, and runs that sanity check. Every similarity it measures is read
# between two references, what untrained models score (the floor) and what a second trained model scores (the
# ceiling), the way this course checks every claim.
#
# *CNNs, hands-on* · going further, notebook 13 · previous:
# [**12 · residual connections**](12_residual_connections.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/13_what_the_model_looks_at.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/13_what_the_model_looks_at.ipynb)

# %% [markdown]
# ## You will learn
#
# - four ways to ask which pixels drove a prediction: the **vanilla gradient**, **guided backprop**, **Grad-CAM** and
#   **occlusion**;
# - to read a similarity between its **floor** (untrained models) and its **ceiling** (a second trained model);
# - the **sanity check**: randomise the weights layer by layer from the top and see which maps change, and why the
#   metric you pick can make a map look as if it failed or passed;
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
# ## 2. Four maps
#
# Each map scores every pixel for one image and one class `c`, the class the model predicted. All four explain
# the same number, the class's **score** `z_c`: the last layer's output *before* its softmax (the logit). The
# softmax's probability is a poor target for gradients: once the model is sure (`p_c` near 1) it hardly moves,
# whatever the pixels do.
#
# - **Vanilla gradient** (Simonyan et al., 2013): `∂z_c / ∂x`, how much a tiny change of each pixel would change
#   the score. Its sign says which way (brighter or darker) raises the score; the map usually drawn, and drawn here,
#   is its size `|∂z_c / ∂x|`. One backward pass; sharp, and noisy.
# - **Guided backprop** (Springenberg et al., 2015): the same backward pass with one change at every ReLU. Backprop
#   lets the gradient through the units that were on; guided backprop also sets to 0 any gradient arriving
#   *negative* from the layer above, so only "this unit should grow" flows down. On large photographs its maps
#   look much sharper than the plain gradient's, which made it popular; on these small images the two look alike.
# - **Grad-CAM** (Selvaraju et al., 2017): take the last convolution layer's feature maps `A_k` (here 11×11),
#   weight each by the average gradient of the score over its positions, `α_k = mean(∂z_c / ∂A_k)`, add them up
#   and keep the positive part: `ReLU(Σ α_k A_k)`. Coarse (11×11), so it is **resized** to 28×28.
# - **Occlusion** (Zeiler and Fergus, 2014): cover a 7×7 patch with black, slide it by 3 pixels, and measure how
#   much `z_c` drops; each pixel gets the average drop of the patches that covered it. No gradients at all; 64
#   forward passes per image.
#
# The first function runs the model layer by layer, so that the score before the softmax and the last
# convolution's maps are both at hand, and so that guided backprop can change the backward pass after each ReLU.

# %%
@tf.custom_gradient
def positive_gradient_only(x: tf.Tensor) -> tuple[tf.Tensor, object]:
    """The identity going forward; going backward, only the positive part of the gradient passes (guided backprop)."""
    return tf.identity(x), lambda upstream: tf.nn.relu(upstream)


def class_scores(model: keras.Model, x: tf.Tensor, classes: np.ndarray,
                 guided: bool = False) -> tuple[tf.Tensor, tf.Tensor]:
    """Each image's score z_c before the softmax (N,) and the last Conv2D's maps A (N, h, w, k)."""
    *body, last = model.layers  # last: Dense(10, activation="softmax")
    for layer in body:
        x = layer(x, training=False)
        if guided and getattr(layer, "activation", None) is keras.activations.relu:
            x = positive_gradient_only(x)  # after each ReLU: the two Conv2D and Dense(128)
        if isinstance(layer, keras.layers.Conv2D):
            feature_maps = x
    logits = tf.matmul(x, last.kernel) + last.bias  # the Dense layer without its softmax
    return tf.gather(logits, np.asarray(classes, dtype=np.int64), batch_dims=1), feature_maps


def vanilla_gradient(model: keras.Model, images: np.ndarray, classes: np.ndarray,
                     guided: bool = False) -> np.ndarray:
    """d z_c / d x, with its sign, for each image (N, 28, 28, 1) and its class c: (N, 28, 28)."""
    x = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores, _ = class_scores(model, x, classes, guided=guided)
    return tape.gradient(scores, x).numpy()[..., 0]


def guided_backprop(model: keras.Model, images: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The gradient with guided backprop's rule at every ReLU, with its sign: (N, 28, 28)."""
    return vanilla_gradient(model, images, classes, guided=True)


def grad_cam(model: keras.Model, images: np.ndarray, classes: np.ndarray, resize: bool = True) -> np.ndarray:
    """ReLU(sum_k alpha_k A_k) on the last Conv2D's maps: (N, 28, 28) resized bilinearly, or (N, h, w) if not."""
    with tf.GradientTape() as tape:
        scores, feature_maps = class_scores(model, tf.constant(images), classes)
    alpha = tf.reduce_mean(tape.gradient(scores, feature_maps), axis=(1, 2))  # one weight per map: (N, k)
    cam = tf.nn.relu(tf.einsum("nhwk,nk->nhw", feature_maps, alpha))
    if not resize:
        return cam.numpy()
    return tf.image.resize(cam[..., tf.newaxis], images.shape[1:3], method="bilinear").numpy()[..., 0]


def occlusion(model: keras.Model, images: np.ndarray, classes: np.ndarray, patch: int = 7,
              stride: int = 3) -> np.ndarray:
    """Average drop of z_c when a black patch covers each pixel: (N, 28, 28)."""
    base = class_scores(model, tf.constant(images), classes)[0].numpy()
    drop, count = np.zeros(images.shape[:3]), np.zeros(images.shape[1:3])
    corners = [(top, left) for top in range(0, images.shape[1] - patch + 1, stride)
               for left in range(0, images.shape[2] - patch + 1, stride)]
    per_pass = max(1, 256 // len(images))  # patch positions per forward pass: at most 256 images at once
    for start in range(0, len(corners), per_pass):
        batch = corners[start:start + per_pass]
        covered = np.repeat(images[np.newaxis], len(batch), axis=0)  # (positions, N, 28, 28, 1)
        for k, (top, left) in enumerate(batch):
            covered[k, :, top:top + patch, left:left + patch] = 0
        scores = class_scores(model, tf.constant(covered.reshape(-1, *images.shape[1:])), np.tile(classes, len(batch)))
        changes = base - scores[0].numpy().reshape(len(batch), -1)
        for (top, left), change in zip(batch, changes, strict=True):
            drop[:, top:top + patch, left:left + patch] += change[:, np.newaxis, np.newaxis]
            count[top:top + patch, left:left + patch] += 1
    return drop / count


METHODS = {"vanilla gradient": vanilla_gradient, "guided backprop": guided_backprop, "Grad-CAM": grad_cam,
           "occlusion": occlusion}
GRADIENTS = ("vanilla gradient", "guided backprop")  # signed maps, drawn (and compared in section 3) by their size


def as_shown(maps: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The maps as they are drawn: a gradient by its size |.|, Grad-CAM and occlusion as they are."""
    return {name: np.abs(values) if name in GRADIENTS else values for name, values in maps.items()}


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
# (extra code) shows four images with their four maps, each map on its own 0-to-1 range (exercise 2 writes that)
shown = [0, 1, 48, 49]  # two right, two wrong
figure, axes = plt.subplots(len(shown), 5, figsize=(9.5, 2.1 * len(shown)))
for row, index in enumerate(shown):
    verdict = "RIGHT" if is_right[index] else f"WRONG (true: {names[test_labels[chosen[index]]]})"
    axes[row, 0].imshow(images[index, ..., 0], cmap="gray")
    axes[row, 0].set_title(f"said {names[classes[index]]}\n{verdict}", fontsize=8)
    for column, (name, values) in enumerate(as_shown(maps).items(), start=1):
        own_range = plt.Normalize(values[index].min(), values[index].max())  # 0 everywhere for a constant map
        image = axes[row, column].imshow(own_range(values[index]), cmap="magma", vmin=0, vmax=1)
        axes[row, column].set_title(name, fontsize=8)
for axis in axes.ravel():
    axis.axis("off")
figure.colorbar(image, ax=axes, shrink=0.6, label="importance (each map scaled to 0-1)")
plt.show()

# %% [markdown]
# ## 3. How far do the maps agree? Floors and ceilings
#
# A similarity score means little on its own. This section and the next read each one between two references,
# measured with the same metric on the same 64 images:
#
# - the **floor**: the same comparison made on **untrained** models, `build_first_cnn(seed=...)` with fresh random
#   weights (three of them, each from its own seed). They learned nothing, so whatever they score comes
#   from the image and the architecture alone;
# - the **ceiling**: the same comparison against a **second trained model**, the same recipe started from other
#   random weights. Two models that learned the same task: what they share is what learning makes repeatable.
#
# A score near its floor says nothing about learning; a metric whose ceiling is not well above its floor cannot
# tell a trained model from an untrained one. The maps below all explain the classes our model predicted.

# %%
second_model = build_first_cnn(seed=SEED * 10 + 1)  # same recipe, other starting weights: the ceiling
with Timer() as second_time:
    train(second_model)
second_predicted = second_model.predict(test_images[..., np.newaxis], batch_size=250, verbose=0).argmax(axis=1)
second_accuracy = float(np.mean(second_predicted == test_labels))
untrained = [build_first_cnn(seed=SEED * 10 + k) for k in (2, 3, 4)]  # three untrained models: the floor


def all_maps(other: keras.Model) -> dict[str, np.ndarray]:
    """Every method's maps of `images` for `classes` (our model's predictions), computed on `other`."""
    return {name: method(other, images, classes) for name, method in METHODS.items()}


with Timer() as reference_time:
    second_maps = all_maps(second_model)
    untrained_maps = [all_maps(random_model) for random_model in untrained]
print(f"second model trained in {second_time}, test accuracy {second_accuracy:.4f}; their maps in {reference_time}")
results.expect("second_test_accuracy", second_accuracy, full=(0.78, 1.0))

# %% [markdown]
# First, how far the maps agree with one another, for the three pairs among the vanilla gradient, Grad-CAM and
# occlusion (guided backprop waits for section 4). For each image, the **rank correlation** (Spearman) between two
# maps as drawn (the gradient by its size), after averaging each over 4×4 blocks (the vanilla gradient is noisy at
# the pixel scale; Grad-CAM is coarse): 1 = the same ranking of the 49 blocks, 0 = unrelated. A map that is the
# same everywhere (Grad-CAM's ReLU can leave nothing) ranks nothing: it counts as **missing**, not as 0, and the
# count of missing images is printed.
#
# Each method is first compared with itself: its map on the second trained model (its ceiling) and on pairs of
# untrained models (its floor). Then each pair gets three numbers: the two methods on the same image; a control,
# one image's map against the *previous* image's map (`np.roll` by one), what two maps share just by being maps of
# centred clothes; and the floor, the same pair on each untrained model.

# %%
import itertools

from scipy import stats as scipy_stats


def rank_correlation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman rank correlation of a[i] with b[i] (N, ...) for every i: (N,), nan where either map is constant."""
    a, b = (scipy_stats.rankdata(x.reshape(len(x), -1), axis=1) for x in (a, b))  # ties share their mean rank
    a, b = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    norms = np.sqrt((a ** 2).sum(axis=1) * (b ** 2).sum(axis=1))
    return np.divide((a * b).sum(axis=1), norms, out=np.full(len(a), np.nan), where=norms > 0)


def blocks(maps: np.ndarray, size: int = 4) -> np.ndarray:
    """Average each map (N, 28, 28) over size x size blocks, flattened: (N, (28 // size) ** 2)."""
    n, h, w = maps.shape
    return maps.reshape(n, h // size, size, w // size, size).mean(axis=(2, 4)).reshape(n, -1)


def agreement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rank correlation between a[i] and b[i] for every image, on 4x4 blocks: (N,), nan for a constant map."""
    return rank_correlation(blocks(a), blocks(b))


def missing(values: np.ndarray) -> int:
    """How many scores are missing (a constant map)."""
    return int(np.isnan(values).sum())


def key(*words: str) -> str:
    """A name for results.record: 'vanilla gradient', 'Grad-CAM' -> 'vanilla_gradient_grad_cam'."""
    return "_".join(words).lower().replace(" ", "_").replace("-", "_")


views, second_views = as_shown(maps), as_shown(second_maps)
untrained_views = [as_shown(random_maps) for random_maps in untrained_maps]
compared = ("vanilla gradient", "Grad-CAM", "occlusion")
print("each method against itself (rank of 4x4 blocks, as drawn):")
self_agreement = {}
for name in compared:
    self_agreement[name] = (float(np.nanmean(agreement(views[name], second_views[name]))), float(np.nanmean(
        np.concatenate([agreement(u[name], v[name]) for u, v in itertools.combinations(untrained_views, 2)]))))
    print(f"  {name:<17} second trained model {self_agreement[name][0]:.3f} | untrained pairs (floor) "
          f"{self_agreement[name][1]:.3f}")
pairs = list(itertools.combinations(compared, 2))
pair_scores, agreements = {}, {}
print("pairs of methods:               same image  previous image  untrained (floor)")
for first, second in pairs:
    same = agreement(views[first], views[second])
    control = agreement(views[first], np.roll(views[second], 1, axis=0))  # each map against the previous image's
    floor = np.concatenate([agreement(random_views[first], random_views[second]) for random_views in untrained_views])
    pair_scores[first, second] = same, control
    print(f"  {first + ' vs ' + second:<30}{np.nanmean(same):>+9.3f}{np.nanmean(control):>+16.3f}"
          f"{np.nanmean(floor):>+19.3f}   ({missing(same)} of {len(same)} missing)")
    agreements.update({f"agreement_{key(first, second)}": float(np.nanmean(same)),
                       f"control_{key(first, second)}": float(np.nanmean(control)),
                       f"agreement_{key(first, second)}_floor": float(np.nanmean(floor))})
above_floor = sum(agreements[f"agreement_{key(*pair)}"] > agreements[f"agreement_{key(*pair)}_floor"]
                  for pair in pairs)
print(f"pairs that agree more on our model than on untrained ones: {above_floor} of {len(pairs)}")
quoted = key("vanilla gradient", "occlusion")  # the pair the text below quotes
results.record(pairs_above_floor=above_floor, **{name: agreements[name] for name in (
    f"agreement_{quoted}", f"agreement_{quoted}_floor", f"control_{quoted}")},
    self_agreement_vanilla_gradient_ceiling=self_agreement["vanilla gradient"][0],
    self_agreement_vanilla_gradient_floor=self_agreement["vanilla gradient"][1])

# %% [markdown]
# Read the self-agreements first. Grad-CAM and occlusion repeat on a second trained model far above their floors,
# so this metric can see what learning makes repeatable in them. The vanilla gradient's map, drawn by its size,
# does not: it repeats on a second trained model (0.898<!-- value: self_agreement_vanilla_gradient_ceiling -->)
# about as well as on two untrained models (0.895<!-- value: self_agreement_vanilla_gradient_floor -->). The rank
# of its size is blind to learning, for the reason section 4 measures, so the two pairs with the vanilla gradient
# say little about what the model learned, whatever they score.
#
# Then the pairs. Every pair agrees weakly, far below how well Grad-CAM and occlusion each repeat, and a pair can
# score no higher than its floor: here 1<!-- value: pairs_above_floor --> of the three pairs agree more on our
# model than on untrained ones. The vanilla gradient and occlusion agree clearly above their floor
# (0.257<!-- value: agreement_vanilla_gradient_occlusion -->, floor
# 0.008<!-- value: agreement_vanilla_gradient_occlusion_floor -->), but almost as much with the previous image's map
# (0.198<!-- value: control_vanilla_gradient_occlusion -->): what they share is mostly that both light up a
# garment in the middle of a black frame, not which parts of it matter. The gallery's maps *look* alike because
# they are all garment-shaped. And agreement is about *where* the evidence is, block by block; even a perfect
# agreement would not say the evidence is right.

# %%
names_of_pairs = [key(*pair) for pair in pairs]
repeatable = min(self_agreement["Grad-CAM"][0], self_agreement["occlusion"][0])
results.record(claims={
    "gradient_size_rank_blind_in_section_3": (
        self_agreement["vanilla gradient"][0] - self_agreement["vanilla gradient"][1] < 0.1,
        "the vanilla gradient's size repeats on a second trained model within 0.1 of two untrained models"),
    "cam_and_occlusion_repeat": (
        all(self_agreement[n][0] > self_agreement[n][1] + 0.3 for n in ("Grad-CAM", "occlusion")),
        "Grad-CAM and occlusion each repeat on a second trained model more than 0.3 above their floor"),
    "agreement_is_weak": (all(agreements[f"agreement_{k}"] < min(0.5, repeatable - 0.3) for k in names_of_pairs),
                          "every pair has a mean rank correlation under 0.5, and at least 0.3 below how well "
                          "Grad-CAM and occlusion each repeat"),
    "gradient_occlusion_near_control": (
        agreements[f"agreement_{names_of_pairs[1]}"] - agreements[f"control_{names_of_pairs[1]}"] < 0.2
        and agreements[f"agreement_{names_of_pairs[1]}"] > agreements[f"agreement_{names_of_pairs[1]}_floor"] + 0.15,
        "the vanilla gradient and occlusion agree more than 0.15 above their floor, but within 0.2 of their control"),
})

# %% [markdown]
# **Deep dive (optional): a reference for two methods, and the noise in a mean.** Two methods can hardly agree
# more than each agrees with itself. With `r1` and `r2` the two self-agreements on a second trained model,
# `√(r1·r2)` is a rough reference for a pair, valid if each map is a repeatable part plus noise independent from
# model to model. And a **95% t-interval** for the mean of the 64 per-image differences (same image minus
# control) is the range that, by Student's t distribution, covers the true mean in 95% of such samples: an
# interval containing 0 means the pair's gain over its control is not distinguishable from none.

# %%
for first, second in pairs:
    same, control = pair_scores[first, second]
    valid = ~np.isnan(same) & ~np.isnan(control)
    reference = np.sqrt(max(self_agreement[first][0], 0) * max(self_agreement[second][0], 0))
    print(f"{first} vs {second}: rough reference √(r1·r2) {reference:.3f}; same image minus control: "
          f"{stats.paired(same[valid], control[valid])}")

# %% [markdown]
# ## 4. The sanity check: randomise the model, top first
#
# If a map explains what the model learned, it should change when what the model learned is destroyed. Adebayo et
# al. (2018, "Sanity checks for saliency maps") call this the *cascading randomisation* test: replace the weights
# of the top layer with fresh random ones (here those of the first untrained model), recompute the maps for the
# same images and classes, and measure how similar they stay to the trained model's maps; then randomise the next
# layer down too, and so on, down to the first convolution. On an ImageNet model (Inception v3) they found that
# the plain gradient and Grad-CAM change as the top layers are randomised (they **pass**), while Guided Backprop
# and Guided Grad-CAM stay much the same until the lowest layers are reached (they **fail**): such maps show the
# image more than the model.
#
# The similarity here is the **signed rank**: the rank correlation of the two maps pixel by pixel, with their sign
# (Grad-CAM is never negative; occlusion can be). It is read against its floor (the three untrained models' maps,
# compared pair by pair) and its ceiling (the second trained model's maps), through one number, the **position**
# `p = (s − floor) / (ceiling − floor)`: 0 at the floor, 1 at the ceiling. The rule, the same for every method:
#
# - a metric can judge only if its ceiling stands at least 0.3 above its floor for at least one method (a metric
#   whose ceiling is about its floor scores an untrained model like a trained one);
# - a method **passes** if `p ≤ 0.25` once both Dense layers are randomised, and **fails** if `p ≥ 0.75`; in between,
#   the check does not decide.
#
# The cascade can score above the ceiling: it keeps the trained lower layers, which a second trained model does not
# share, so `p` can exceed 1.

# %%
from scipy import ndimage

fresh = untrained[0]  # its random weights replace the trained ones, layer by layer from the top
copy = build_first_cnn()  # receives the trained weights, then the fresh ones layer by layer from the top
weighted = [index for index, layer in enumerate(model.layers) if layer.weights]  # the 2 Conv2D and 2 Dense


def randomised(layers_from_top: int) -> keras.Model:
    """The trained model with its top `layers_from_top` weighted layers replaced by fresh random ones."""
    copy.set_weights(model.get_weights())
    for index in weighted[len(weighted) - layers_from_top:]:
        copy.layers[index].set_weights(fresh.layers[index].get_weights())
    return copy


def scaled(maps: np.ndarray) -> np.ndarray:
    """Each map (N, 28, 28) scaled to 0-1; nan for a constant map."""
    low, span = maps.min(axis=(1, 2), keepdims=True), np.ptp(maps, axis=(1, 2), keepdims=True)
    return np.divide(maps - low, span, out=np.full(maps.shape, np.nan), where=span > 0)


def ssim(a: np.ndarray, b: np.ndarray, window: int = 7) -> np.ndarray:
    """Mean structural similarity of a[i] and b[i] (N, 28, 28), each scaled to 0-1, in 7x7 windows: (N,)."""
    a, b = scaled(a), scaled(b)
    average = lambda x: ndimage.uniform_filter(x, size=(1, window, window))  # noqa: E731 (the local mean)
    n = window * window / (window * window - 1)  # sample (co)variances, as is usual
    mean_a, mean_b = average(a), average(b)
    var_a, var_b = n * (average(a * a) - mean_a ** 2), n * (average(b * b) - mean_b ** 2)
    covariance = n * (average(a * b) - mean_a * mean_b)
    c1, c2 = 0.01 ** 2, 0.03 ** 2  # the usual constants for values in 0-1
    local = ((2 * mean_a * mean_b + c1) * (2 * covariance + c2)
             / ((mean_a ** 2 + mean_b ** 2 + c1) * (var_a + var_b + c2)))
    edge = window // 2  # average over the windows that lie inside the image
    return local[:, edge:-edge, edge:-edge].mean(axis=(1, 2))


METRICS = {"signed_rank": rank_correlation, "size_rank": lambda a, b: rank_correlation(np.abs(a), np.abs(b)),
           "ssim": lambda a, b: ssim(np.abs(a), np.abs(b))}
LABELS = {"signed_rank": "rank, signed", "size_rank": "rank of |map|", "ssim": "SSIM of |map|"}
stages = ["output Dense", "+ Dense(128)", "+ 2nd Conv2D", "+ 1st Conv2D"]  # randomised so far
with Timer() as cascade_time:
    cascade = [all_maps(randomised(depth)) for depth in range(1, len(weighted) + 1)]
table, spread = {}, {}  # (method, metric) -> [ceiling, after each stage..., floor]; standard errors of the stages
for name in METHODS:
    for metric, compare in METRICS.items():
        floor = np.concatenate([compare(u[name], v[name]) for u, v in itertools.combinations(untrained_maps, 2)])
        per_image = [compare(maps[name], other[name]) for other in [second_maps, *cascade]]
        table[name, metric] = [float(np.nanmean(values)) for values in per_image] + [float(np.nanmean(floor))]
        spread[name, metric] = [float(np.nanstd(values) / np.sqrt(np.sum(~np.isnan(values))))
                                for values in per_image[1:]]
position = {pair: (values[2] - values[-1]) / (values[0] - values[-1]) for pair, values in table.items()}
verdict = {name: "pass" if position[name, "signed_rank"] <= 0.25 else "fail" if position[name, "signed_rank"] >= 0.75
           else "undecided" for name in METHODS}
print(f"cascading randomisation in {cascade_time}; signed rank, similarity to the trained model's maps:")
print(f"{'':<17}{'ceiling':>9}  randomised from the top down to:{'':>31}{'floor':>10}{'p after':>9}")
print(f"{'':<17}{'2nd model':>9}" + "".join(f"{stage:>16}" for stage in stages) + f"{'untrained':>10}"
      f"{'Dense':>9}  verdict")
for name in METHODS:
    values = table[name, "signed_rank"]
    print(f"{name:<17}{values[0]:>9.3f}" + "".join(f"{value:>16.3f}" for value in values[1:-1])
          + f"{values[-1]:>10.3f}{position[name, 'signed_rank']:>9.2f}  {verdict[name]}")
constant = {name: [int((np.ptp(m[name], axis=(1, 2)) == 0).sum()) for m in [maps, second_maps, *cascade,
                                                                            *untrained_maps]] for name in METHODS}
print("constant maps, left out as missing (trained, 2nd model, 4 stages, 3 untrained; of 64 each):",
      {name: counts for name, counts in constant.items() if any(counts)} or "none")

# %% [markdown]
# The figure draws the same table: each method's similarity as more layers are randomised, starting at 1 (nothing
# randomised: the trained model's maps against themselves), with the ceiling and the floor as horizontal lines and
# error bars of one standard error over the images.

# %%
# (extra code) one panel per method: the signed rank through the cascade, between its ceiling and floor lines
figure, axes = plt.subplots(1, 4, figsize=(12, 3.6), sharey=True)
ticks = ["none", "output\nDense", "+ Dense\n(128)", "+ 2nd\nConv2D", "+ 1st\nConv2D"]
for axis, name in zip(axes, METHODS, strict=True):
    values = table[name, "signed_rank"]
    axis.errorbar(range(5), [1.0, *values[1:-1]], yerr=[0.0, *spread[name, "signed_rank"]], marker="o",
                  color="C0", capsize=3, label="trained model, randomised")
    axis.axhline(values[0], color="C2", linestyle="--", label="ceiling: 2nd trained model")
    axis.axhline(values[-1], color="C3", linestyle=":", label="floor: untrained vs untrained")
    axis.set_xticks(range(5), ticks, fontsize=7)
    axis.set_xlabel("layers randomised", fontsize=8)
    axis.set_title(f"{name}: {verdict[name]}", fontsize=10)
    axis.grid(alpha=0.3)
axes[0].set_ylabel("signed rank correlation with\nthe trained model's maps")
axes[1].legend(fontsize=7, loc="lower left")  # the panel with room at the bottom
figure.suptitle("Cascading randomisation, read between the ceiling and the floor", fontsize=11)
figure.tight_layout()
plt.show()

# %%
similarities = {f"{key(name)}_{what}": values[index] for (name, metric), values in table.items()
                if metric == "signed_rank" for what, index in [("ceiling", 0), ("floor", 5)]}
similarities.update({f"{key(name)}_after_dense": table[name, "signed_rank"][2]
                     for name in ("vanilla gradient", "guided backprop")})  # the two the text quotes
reach = {pair: table[pair][0] - table[pair][-1] for pair in table}  # ceiling minus floor: what the metric can see
results.record(**similarities, **{f"{key(name)}_position": position[name, "signed_rank"] for name in METHODS},
               claims={
    "signed_rank_can_judge": (max(reach[name, "signed_rank"] for name in METHODS) >= 0.3,
                              "on the signed rank, at least one method's ceiling is 0.3 or more above its floor"),
    "vanilla_gradient_passes": (verdict["vanilla gradient"] == "pass",
                                "the vanilla gradient passes: p <= 0.25 with both Dense layers random"),
    "occlusion_passes": (verdict["occlusion"] == "pass", "occlusion passes: p <= 0.25 with both Dense layers random"),
    "guided_backprop_fails": (verdict["guided backprop"] == "fail",
                              "guided backprop fails: p >= 0.75 with both Dense layers random"),
    "guided_backprop_reach_small": (0 < reach["guided backprop", "signed_rank"] < 0.25,
                                    "guided backprop's signed-rank ceiling is above its floor by less than 0.25"),
})

# %% [markdown]
# What the rule says about each method, on our model (signed rank, `p` once both Dense layers are random):
#
# - **The vanilla gradient passes.** A second trained model's gradient matches ours
#   (0.660<!-- value: vanilla_gradient_ceiling -->) far better than two untrained models' match each other
#   (-0.005<!-- value: vanilla_gradient_floor -->): this metric can judge. With both Dense layers random the
#   similarity is -0.002<!-- value: vanilla_gradient_after_dense -->, `p` =
#   0.00<!-- value: vanilla_gradient_position -->. This is what Adebayo et al. found for the gradient.
# - **Guided backprop fails, as the paper found.** With both Dense layers random its maps still match the trained
#   ones (0.871<!-- value: guided_backprop_after_dense -->) about as well as a second trained model's do
#   (0.839<!-- value: guided_backprop_ceiling -->), `p` = 1.30<!-- value: guided_backprop_position -->. Its ceiling
#   stands little above its floor (0.731<!-- value: guided_backprop_floor -->), less than 0.25 on every run (a
#   claim checks it), so its `p` is a noisy number; what the verdict rests on is that a model with random Dense
#   layers scores like a trained one. In the gallery its maps look much like the vanilla gradient's; what sets them
#   apart is that they come from the image and the convolutions, whatever the model learned on top.
# - **Grad-CAM**, on this run: `p` = -0.22<!-- value: grad_cam_position -->, from a ceiling of
#   0.776<!-- value: grad_cam_ceiling --> over a floor of 0.083<!-- value: grad_cam_floor -->. Its
#   verdict for this run is the one printed in the table and in the figure's title; unlike the other three, it is
#   not checked as a claim.
# - **Occlusion passes**: `p` = 0.13<!-- value: occlusion_position -->, from a ceiling of
#   0.866<!-- value: occlusion_ceiling --> over a floor of 0.012<!-- value: occlusion_floor -->.
#
# The ceiling is this check's positive control: it shows that the metric *can* see what learning shares, so a drop
# to the floor is the model's doing and not a blind metric. Passing is still a necessary condition, not proof that
# a map is right: a map can depend on the weights and still point at pixels that do not matter. These numbers rest
# on one random draw of weights per step, one second model and 64 images; the claims above check the verdicts on
# every run.

# %% [markdown]
# **Deep dive (optional): two other metrics, and why the size of the gradient sees only the ink.** Adebayo et al.
# also rank the maps' sizes and compare them by SSIM (structural similarity, Wang et al. 2004: two pictures
# compared window by window in brightness, contrast and structure; 1 = identical). Here SSIM uses 7×7 uniform
# windows on `|map|` scaled to 0-1; the authors' code uses a Gaussian window on the signed map scaled to 0-1. The
# table below gives both, with each one's `p` where the ceiling stands at least 0.1 above the floor.

# %%
print(f"{'':<31}{'ceiling':>8}" + "".join(f"{stage:>15}" for stage in stages) + f"{'floor':>8}{'p':>7}")
for (name, metric), values in table.items():
    if metric != "signed_rank":
        judged = f"{position[name, metric]:>7.2f}" if reach[name, metric] >= 0.1 else "  (none: ceiling ≈ floor)"
        print(f"{name:<17}{LABELS[metric]:<14}{values[0]:>8.3f}" + "".join(f"{v:>15.3f}" for v in values[1:-1])
              + f"{values[-1]:>8.3f}{judged}")
results.record(vanilla_gradient_size_rank_ceiling=table["vanilla gradient", "size_rank"][0],
               vanilla_gradient_size_rank_floor=table["vanilla gradient", "size_rank"][-1],
               claims={"size_rank_cannot_tell": (
                   reach["vanilla gradient", "size_rank"] < 0.1,
                   "on the rank of the gradient's size, two untrained models agree within 0.1 of two trained ones, "
                   "or more")})

# %% [markdown]
# Ranked by `|∂z_c/∂x|`, two untrained models agree 0.745<!-- value: vanilla_gradient_size_rank_floor -->, about as
# well as two trained ones (0.752<!-- value: vanilla_gradient_size_rank_ceiling -->): this metric scores a learned
# model like an unlearned one, so it cannot judge the gradient, whatever the similarity left after randomisation.
# Read without its floor, that leftover looks like "the gradient's map survives a random model"; the floor shows
# that any two models' maps would. The reason: Keras starts every bias at 0. On a black background, a first-layer
# unit whose 3×3 window holds no ink computes exactly 0, and the ReLU passes no gradient at 0. So in an untrained
# model `∂z_c/∂x` is exactly 0 at every pixel more than 2 pixels from the garment, whatever the random weights: the
# *size* of the gradient mostly draws the garment's silhouette, and two untrained models rank it alike. Training
# moves the biases away from 0, which lets the gradient reach the background. Counted:

# %%
near_ink = ndimage.binary_dilation(images[..., 0] > 0, structure=np.ones((1, 5, 5), bool))  # within 2 px of ink
off_ink = {label: int(np.count_nonzero(gradient[~near_ink])) for label, gradient in
           [("untrained", untrained_maps[0]["vanilla gradient"]), ("trained", maps["vanilla gradient"])]}
first_biases = {label: float(np.abs(m.layers[1].bias.numpy()).max()) for label, m in [("untrained", fresh),
                                                                                       ("trained", model)]}
print(f"pixels more than 2 px from the ink: {np.count_nonzero(~near_ink)} of {near_ink.size}; with a nonzero "
      f"gradient: untrained {off_ink['untrained']}, trained {off_ink['trained']}")
print(f"largest |bias| of the first convolution: untrained {first_biases['untrained']:g}, trained "
      f"{first_biases['trained']:.3f}")
results.record(claims={"untrained_gradient_stays_on_ink": (
    off_ink["untrained"] == 0 and first_biases["untrained"] == 0 < off_ink["trained"],
    "with zero biases, the untrained model's gradient is exactly 0 more than 2 px from the ink; the trained "
    "model's is not")})

# %% [markdown]
# Every untrained gradient far from the ink is exactly zero, as argued; the trained model's is not. Signed, the
# same untrained gradients are unrelated from one model to the next (the signed floor near 0 above): the random
# weights set the signs, the image sets where the gradient can be nonzero at all.

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
# The consequence, measured: the share of each map's total heat that falls on the garment (pixels with any ink).
# The reference is a flat map, whose share is just the share of the image the garment covers. An empty map has no
# heat to share out, so the images whose Grad-CAM map is empty are left out, for all three.

# %%
def share_on_garment(heat: np.ndarray) -> np.ndarray:
    """Share of each map's total heat (N, 28, 28) that lies on pixels with ink in its image: (N,), nan if empty."""
    ink = images[..., 0] > 0
    total = heat.sum(axis=(1, 2))
    return np.divide((heat * ink).sum(axis=(1, 2)), total, out=np.full(len(heat), np.nan), where=total > 0)


pasted = np.zeros(images.shape[:3])
pasted[:, :raw.shape[1], :raw.shape[2]] = raw  # where imshow puts the 11x11 map
shares = [share_on_garment(heat) for heat in (maps["Grad-CAM"], pasted, np.ones(images.shape[:3]))]
has_heat = ~np.isnan(shares[0])
proper, careless, flat = (float(share[has_heat].mean()) for share in shares)
print(f"share of Grad-CAM's heat on the garment, over the {has_heat.sum()} of {len(images)} images whose map is not "
      f"empty: resized {proper:.1%}, drawn as it is {careless:.1%} (a flat map: {flat:.1%})")
results.record(garment_share_resized=proper, garment_share_pasted=careless, garment_share_flat=flat,
               grad_cam_empty_maps=int(len(images) - has_heat.sum()))

# %% [markdown]
# Resized, Grad-CAM puts 46.9%<!-- value: garment_share_resized --> of its heat on the garment; drawn as it is,
# 27.4%<!-- value: garment_share_pasted -->, less than a flat map's 49.7%<!-- value: garment_share_flat -->: the
# careless overlay points at the background. Note too what the resized figure says on its own: on this model even a
# properly placed Grad-CAM puts about as much of its heat on the garment as a flat map does (within 15 points
# either way, which the claim below checks on every run), and for 10<!-- value: grad_cam_empty_maps --> of the 64
# images its map is empty: the ReLU removed everything. A first hint of what the stretch exercise explores. And
# resizing is itself an approximation: with valid convolutions, cell `i` of the 11×11 map is centred on input
# pixel `2i + 3.5`, while a plain resize spreads the cells from edge to edge, misplacing the outer ones by up to
# about 3 pixels.

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
# said with its map for the true class. The baseline is its map for a third class, neither said nor true: the
# similarity is averaged over all eight such classes. The floor is the same said-vs-true comparison on the first
# untrained model; the ceiling, the map for the class said on the second trained model.

# %%
wrong_images, said_classes, true_classes = images[~is_right], classes[~is_right], test_labels[chosen[~is_right]]
others = np.array([[c for c in range(10) if c not in pair] for pair in zip(said_classes, true_classes, strict=True)])
for_true = occlusion(model, wrong_images, true_classes)
for_others = occlusion(model, np.repeat(wrong_images, 8, axis=0), others.ravel()).reshape(-1, 8, 28, 28)
said_map = maps["occlusion"][~is_right]
said_vs = {"true": agreement(said_map, for_true),
           "third": np.nanmean([agreement(said_map, for_others[:, k]) for k in range(8)], axis=0),  # per image
           "floor": agreement(untrained_maps[0]["occlusion"][~is_right], occlusion(fresh, wrong_images, true_classes)),
           "ceiling": agreement(said_map, second_maps["occlusion"][~is_right])}
print("occlusion, wrong predictions: the map for the class said against the map for")
for label, values in said_vs.items():
    print(f"  {label:<8} mean {np.nanmean(values):+.3f} (from {np.nanmin(values):+.2f} to {np.nanmax(values):+.2f}, "
          f"{missing(values)} missing)")
said_true, said_third = float(np.nanmean(said_vs["true"])), float(np.nanmean(said_vs["third"]))
results.record(said_vs_true_class_similarity=said_true, said_vs_third_class_similarity=said_third,
               said_vs_true_class_similarity_floor=float(np.nanmean(said_vs["floor"])),
               said_vs_true_class_similarity_ceiling=float(np.nanmean(said_vs["ceiling"])),
               claims={"said_and_true_maps_differ": (
                   said_true < 0.6 and said_true < float(np.nanmean(said_vs["ceiling"])) - 0.3,
                   "for wrong predictions, the maps for the class said and for the true class are under 0.6 "
                   "similar, and at least 0.3 below the same class's map on a second trained model"),
                   "true_class_closer_than_others": (said_true > said_third, "the true class's map is closer to the "
                                                     "map for the class said than the other classes' maps are")})

# %% [markdown]
# The map for the class said and the map for the true class are far from identical
# (0.185<!-- value: said_vs_true_class_similarity -->), and far below the same class's map on a second trained
# model (0.852<!-- value: said_vs_true_class_similarity_ceiling -->): what raised the wrong class's score is not
# simply what would have raised the right one. The true class's map is still somewhat closer to it than the other
# classes' maps are (-0.083<!-- value: said_vs_third_class_similarity --> on average): the two classes the model
# confused share a little of their evidence. The floor, the same comparison on an untrained model
# (-0.138<!-- value: said_vs_true_class_similarity_floor --> here), rests on one model and 16 images, so on its
# own it cannot settle how much of that is learned. A map of a wrong prediction shows
# what misled the model, which is useful for debugging; it is not a map of where the true class's evidence lies.

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
# largest 1. A map whose values are all equal carries no ranking. For drawing, as here, return zeros for it, not
# `nan`; for scoring, section 3 counts such a map as missing instead.

# %%
def normalise_map(heat):
    ...  # your code here


ex.q2.check(normalise_map)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** A method's maps are compared with the trained model's maps by some metric. With both Dense
# layers randomised they score 0.70; two untrained models' maps score 0.72 against each other; a second trained
# model's maps, 0.74. What do you conclude? (a) the method passes the sanity check, (b) the method fails it,
# (c) this metric cannot tell. Answer with a letter.

# %%
metric_verdict = ...  # "a", "b" or "c"

ex.q3.check(metric_verdict)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Does the head matter for Grad-CAM?** Grad-CAM gives each feature map *one* weight, the
# average of its gradient over all positions. On a model whose head averages each map too
# (`GlobalAveragePooling2D`, notebook 02's stretch exercise), the class score depends on each map only through one
# average, so one weight per map is close to what the model does. Precisely: when the layer that Grad-CAM reads
# feeds the global average directly, and the average feeds the class scores through one `Dense` layer, each `α_k`
# is that layer's weight `w_kc` divided by the number of positions, and Grad-CAM is the older CAM (Zhou et al.,
# 2016), `Σ w_kc A_k`, up to that constant and Grad-CAM's ReLU. `build_gap_cnn()` has a `MaxPooling2D` between its
# last convolution and the average, so Grad-CAM on that convolution is not CAM exactly: each 2×2 window passes its
# gradient to its largest value only, and the `α_k` still come out as `w_kc / 121`, but they weigh the 11×11 maps
# before the pooling, where CAM weighs the 5×5 maps after it. After `Flatten`, every position has its own weights
# in the dense layer, and one average per map throws that away. Measure whether it matters: build notebook 02's
# `build_gap_cnn()` (`build_first_cnn` with `Flatten` and `Dense(128)` replaced by `GlobalAveragePooling2D()`),
# train it with `train(gap_model)`, compute `grad_cam` and `occlusion` on it for the same `images` and `classes`,
# and measure their mean `agreement` (with `np.nanmean`, which leaves out the missing scores of empty maps).
# Compare it with the same agreement on the Flatten model, from section 3. (About 30 s.)

# %% tags=["stretch-answer"]
gap_model = ...  # build_gap_cnn(), trained with train(gap_model)
gap_agreement = ...  # mean agreement of Grad-CAM with occlusion on the GAP model
flatten_agreement = ...  # the same on the Flatten model: np.nanmean(agreement(maps["Grad-CAM"], maps["occlusion"]))

# %% [markdown]
# Is Grad-CAM's agreement with occlusion on the GAP model `"higher"`, `"lower"` or `"about the same"` as on the
# Flatten model? Count a difference within ±0.05 as the same.

# %% tags=["stretch-answer"]
gap_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(gap_verdict, gap=gap_agreement, flatten=flatten_agreement, model=gap_model,
                 reference=np.nanmean(agreement(maps["Grad-CAM"], maps["occlusion"])))

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - The vanilla gradient, guided backprop, Grad-CAM and occlusion each score pixels for one prediction, here for the
#   logit of the class the model said. They look alike in a gallery; measured, every pair agreed weakly, far below
#   how well Grad-CAM and occlusion each repeat from one trained model to another, each pair is worth reading
#   only against its floor, and the vanilla gradient and occlusion agreed almost as much with another image's map.
# - A similarity is read between its floor (untrained models, which learned nothing) and its ceiling (a second
#   trained model). A metric whose floor reaches its ceiling, like the rank of the gradient's size on these
#   black-background images, cannot say whether a map depends on learning.
# - The sanity check, read that way with one rule for every method (the position `p` between floor and ceiling
#   once both Dense layers are random: pass at 0.25 or less, fail at 0.75 or more, on a metric that can judge): the
#   vanilla gradient (signed) and occlusion pass; guided backprop fails, as Adebayo et al. found; Grad-CAM's
#   verdict is printed for each run.
#   Passing is necessary, not sufficient: it does not show that a map points at the right pixels.
# - The costs: the gradients and Grad-CAM need one backward pass per image, occlusion 64 forward passes (section 2
#   prints each one's time); and each map explains one class, the one the model said, wrong or right.
# - Common mistake: an 11×11 map drawn over a 28×28 image without resizing lands in the top-left corner and points
#   at the background.
# - What this short run cannot show: our models trained for 2 epochs on 10,000 images, and the floor and ceiling
#   rest on three untrained models and one second trained model. How the methods fare on a model trained to
#   convergence, or on a large ImageNet model, is a question for a longer run with more seeds; the method of
#   answering it, a measurement between its floor and its ceiling, is the same.
#
# **Next:** this is the last notebook. Go back to **[05 · feature maps](05_feature_maps.ipynb)**, which showed what
# each layer computes for any image, with this notebook's question in mind: which of those computations mattered
# for one prediction? The [course map](../README.md) lists every notebook.
