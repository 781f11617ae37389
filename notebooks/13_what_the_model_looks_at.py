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
#   look much sharper than the plain gradient's, which made it popular.
# - **Grad-CAM** (Selvaraju et al., 2017): take the last convolution layer's feature maps `A_k` (here 11×11, 64 of
#   them), weight each by the average gradient of the score over its positions, `α_k = mean(∂z_c / ∂A_k)`, add them
#   up and keep the positive part: `ReLU(Σ α_k A_k)`. Coarse (11×11), so it is **resized** to 28×28.
# - **Occlusion** (Zeiler and Fergus, 2014): cover a 6×6 patch with black, slide it by 2 pixels, and measure how
#   much `z_c` drops; each pixel gets the average drop of the patches that covered it. No gradients at all; 144
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
# First, how far the four methods' maps agree with one another. For each image, the **rank correlation**
# (Spearman) between two maps as drawn, after averaging each over 4×4 blocks (the vanilla gradient is noisy at the
# pixel scale; Grad-CAM is coarse): 1 = the same ranking of the 49 blocks, 0 = unrelated. A map that is the same
# everywhere (Grad-CAM's ReLU can leave nothing) ranks nothing: it counts as **missing**, not as 0, and the count
# of missing images is printed. Beside each score:
#
# - a control, the same correlation between one image's map and the *next* image's map: what two maps share just
#   by being maps of centred clothes;
# - the floor, the same pair of methods on each untrained model;
# - a ceiling: two methods can hardly agree more than each agrees with itself on the second trained model. With
#   `r1` and `r2` those two self-agreements, the ceiling printed is `√(r1·r2)`, the classical limit on a correlation
#   between two measurements that each repeat only that well.

# %%
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


views, second_views = as_shown(maps), as_shown(second_maps)
untrained_views = [as_shown(random_maps) for random_maps in untrained_maps]
pairs = [("vanilla gradient", "Grad-CAM"), ("vanilla gradient", "occlusion"), ("Grad-CAM", "occlusion")]
gains, agreements = {}, {}
for first, second in pairs:
    same = agreement(views[first], views[second])
    control = agreement(views[first], np.roll(views[second], 1, axis=0))  # each map against the next image's
    floor = np.concatenate([agreement(random_views[first], random_views[second]) for random_views in untrained_views])
    self_agreements = [np.nanmean(agreement(views[name], second_views[name])) for name in (first, second)]
    ceiling = float(np.sqrt(max(self_agreements[0], 0) * max(self_agreements[1], 0)))
    valid = ~np.isnan(same) & ~np.isnan(control)
    gains[first, second] = stats.paired(same[valid], control[valid])
    print(f"{first} vs {second}: {np.nanmean(same):+.3f} (right {np.nanmean(same[is_right]):+.3f}, wrong "
          f"{np.nanmean(same[~is_right]):+.3f}; {missing(same)} of {len(same)} missing) | control "
          f"{np.nanmean(control):+.3f} | floor {np.nanmean(floor):+.3f} ({missing(floor)} of {len(floor)} missing) "
          f"| ceiling {ceiling:.3f} (self-agreements {self_agreements[0]:.3f}, {self_agreements[1]:.3f})")
    print(f"    same image minus control: {gains[first, second]}")
    key = f"agreement_{first}_{second}".lower().replace(" ", "_").replace("-", "_")
    agreements.update({key: float(np.nanmean(same)), f"{key}_floor": float(np.nanmean(floor)),
                       f"{key}_ceiling": ceiling, key.replace("agreement", "control"): float(np.nanmean(control))})
results.record(**agreements)

# %% [markdown]
# Read each line against its references. The ceilings are high (0.82<!-- value: agreement_grad_cam_occlusion_ceiling -->
# to 0.87<!-- value: agreement_vanilla_gradient_occlusion_ceiling -->): each method repeats well from one trained
# model to another, so this metric can see agreement where there is some. Against them, every pair agrees
# weakly. The vanilla gradient and occlusion agree clearly more on our model
# (0.257<!-- value: agreement_vanilla_gradient_occlusion -->) than on untrained ones
# (0.010<!-- value: agreement_vanilla_gradient_occlusion_floor -->), but almost as much with the *next* image's
# map (0.205<!-- value: control_vanilla_gradient_occlusion -->): what they share is mostly that both light
# up a garment in the middle of a black frame, not which parts of it matter. The t-intervals say the same: no
# pair's gain over its control is large, and which pairs are distinguishable from none changes with the seed. The
# gallery's maps *look* alike because they are all garment-shaped. And agreement is about *where* the evidence
# is, block by block; even a perfect agreement would not say the evidence is right.

# %%
keys = ["vanilla_gradient_grad_cam", "vanilla_gradient_occlusion", "grad_cam_occlusion"]
results.record(claims={
    "agreement_is_weak": (all(agreements[f"agreement_{k}"] < 0.5 for k in keys),
                          "every pair of methods has a mean rank correlation under 0.5"),
    "far_below_ceiling": (all(agreements[f"agreement_{k}_ceiling"] - agreements[f"agreement_{k}"] > 0.35
                              for k in keys), "every pair agrees at least 0.35 below its ceiling"),
    "little_beyond_control": (all(gain.difference < 0.3 for gain in gains.values()),
                              "no pair agrees by more than 0.3 beyond its control"),
    "gradient_occlusion_near_control": (
        agreements[f"agreement_{keys[1]}"] - agreements[f"control_{keys[1]}"] < 0.2
        and agreements[f"agreement_{keys[1]}"] > agreements[f"agreement_{keys[1]}_floor"] + 0.15,
        "the vanilla gradient and occlusion agree more than 0.15 above their floor, but within 0.2 of their control"),
})

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
# The similarity is measured per pixel, three of the ways their code measures it (it also compares HOG features):
#
# - **rank of the size**: the rank correlation of `|map|`, what the size of a gradient says;
# - **rank, signed**: the rank correlation of the map with its sign (Grad-CAM is never negative, so for it the two
#   rank scores are the same);
# - **SSIM** (structural similarity, Wang et al. 2004): compares two pictures window by window (7×7 pixels) in
#   brightness, contrast and structure, here on the maps' sizes each scaled to 0-1; 1 = identical pictures.
#
# Each is read against its floor (the three untrained models' maps, compared pair by pair) and its ceiling (the
# second trained model's maps). A method passes when randomising drops its similarity to the floor while the
# ceiling stands well above it; it fails when the maps of a randomised model stay about as similar as those of a
# model that learned the same task.

# %%
import itertools

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


METRICS = {"size_rank": lambda a, b: rank_correlation(np.abs(a), np.abs(b)),
           "signed_rank": rank_correlation,
           "ssim": lambda a, b: ssim(np.abs(a), np.abs(b))}
LABELS = {"size_rank": "rank of |map|", "signed_rank": "rank, signed", "ssim": "SSIM of |map|"}
stages = ["output Dense", "+ Dense(128)", "+ 2nd Conv2D", "+ 1st Conv2D"]  # randomised so far
with Timer() as cascade_time:
    cascade = [all_maps(randomised(depth)) for depth in range(1, len(weighted) + 1)]
table = {}  # (method, metric) -> [ceiling, after each stage..., floor], each a mean over the maps not missing
for name in METHODS:
    for metric, compare in METRICS.items():
        floor = np.concatenate([compare(u[name], v[name]) for u, v in itertools.combinations(untrained_maps, 2)])
        table[name, metric] = [float(np.nanmean(compare(maps[name], other[name])))
                               for other in [second_maps, *cascade]] + [float(np.nanmean(floor))]
print(f"cascading randomisation in {cascade_time}")
print(f"{'':<29}{'ceiling':>9}  randomised from the top down to:{'':>31}{'floor':>9}")
print(f"{'':<29}{'2nd model':>9}" + "".join(f"{stage:>16}" for stage in stages) + f"{'untrained':>11}")
for (name, metric), values in table.items():
    print(f"{name:<17}{LABELS[metric]:<14}{values[0]:>7.3f}" + "".join(f"{value:>16.3f}" for value in values[1:-1])
          + f"{values[-1]:>11.3f}")
constant = {name: [int((np.ptp(m[name], axis=(1, 2)) == 0).sum()) for m in [maps, second_maps, *cascade,
                                                                            *untrained_maps]] for name in METHODS}
print("constant maps, left out as missing (trained, 2nd model, 4 stages, 3 untrained; of 64 each):",
      {name: counts for name, counts in constant.items() if any(counts)} or "none")

# %%
# (extra code) one panel per method: each metric from the ceiling, through the randomisation, to the floor
figure, axes = plt.subplots(2, 2, figsize=(10, 6.6), sharey=True)
ticks = ["2nd trained\nmodel\n(ceiling)", "output\nDense", "+ Dense\n(128)", "+ 2nd\nConv2D", "+ 1st\nConv2D",
         "untrained\npairs\n(floor)"]
for axis, name in zip(axes.ravel(), METHODS, strict=True):
    for (metric, label), marker, colour in zip(LABELS.items(), "osD", ("C0", "C1", "C2"), strict=True):
        values = table[name, metric]
        axis.plot(range(1, 5), values[1:-1], marker=marker, color=colour, label=label)
        axis.plot([0, 1], values[:2], linestyle=":", color=colour)  # ceiling -> first stage
        axis.plot([4, 5], values[-2:], linestyle=":", color=colour)  # last stage -> floor
        axis.plot([0, 5], [values[0], values[-1]], linestyle="none", marker=marker, markersize=9, color=colour,
                  markerfacecolor="white")  # the two references, hollow
    axis.axhline(0, color="gray", linewidth=0.8)
    axis.set_xticks(range(6), ticks, fontsize=7)
    axis.set_title(name + (" (never negative: its two ranks coincide)" if name == "Grad-CAM" else ""), fontsize=10)
    axis.grid(alpha=0.3)
axes[0, 0].legend(fontsize=8, loc="lower left")
for axis in axes[:, 0]:
    axis.set_ylabel("similarity to the trained\nmodel's maps (mean)")
figure.suptitle("Cascading randomisation, read between ceiling (left) and floor (right)", fontsize=11)
figure.tight_layout()
plt.show()

# %%
similarities = {f"{name.lower().replace(' ', '_').replace('-', '_')}_{metric}_{what}": values[index]
                for (name, metric), values in table.items()
                for what, index in [("ceiling", 0), ("after_top", 1), ("after_dense", 2), ("after_all", 4),
                                    ("floor", 5)]}
reach = {key: table[key][0] - table[key][-1] for key in table}  # ceiling minus floor: what the metric can see
results.record(**similarities, claims={
    "size_rank_cannot_tell": (
        reach["vanilla gradient", "size_rank"] < 0.1,
        "on the rank of the gradient's size, two untrained models agree within 0.1 of two trained ones, or more"),
    "vanilla_gradient_passes": (
        reach["vanilla gradient", "signed_rank"] > 0.4
        and abs(table["vanilla gradient", "signed_rank"][2] - table["vanilla gradient", "signed_rank"][-1]) < 0.1
        and reach["vanilla gradient", "ssim"] > 0.15
        and table["vanilla gradient", "ssim"][4] < table["vanilla gradient", "ssim"][-1] + 0.05,
        "the vanilla gradient's ceiling is over 0.4 above its floor signed (0.15 by SSIM); with both Dense layers "
        "random it is within 0.1 of the floor signed, and with every layer random at most 0.05 above it by SSIM"),
    "guided_backprop_fails": (
        all(table["guided backprop", m][1] > table["guided backprop", m][0] - 0.1
            and table["guided backprop", m][2] > table["guided backprop", m][0] - 0.15
            and reach["guided backprop", m] < 0.25 for m in METRICS),
        "on every metric, guided backprop's maps stay within 0.1 of the ceiling (or above it) with the output "
        "layer random, and within 0.15 with both Dense layers random; every one of its ceilings is less than 0.25 "
        "above its floor"),
    "grad_cam_and_occlusion_pass": (
        all(reach[name, "signed_rank"] > 0.3 and table[name, "signed_rank"][2] < table[name, "signed_rank"][0] - 0.3
            and table[name, "signed_rank"][4] < table[name, "signed_rank"][-1] + 0.2
            for name in ("Grad-CAM", "occlusion")),
        "for Grad-CAM and occlusion, the signed rank's ceiling is over 0.3 above the floor; with both Dense layers "
        "random the similarity is at least 0.3 below the ceiling, and with every layer random within 0.2 of the "
        "floor"),
})

# %% [markdown]
# What the measurements say about each method, on our model:
#
# - **The vanilla gradient passes, read with its sign or by SSIM.** A second trained model's gradient matches ours
#   (signed rank 0.660<!-- value: vanilla_gradient_signed_rank_ceiling -->) far better than two untrained models'
#   match each other (-0.005<!-- value: vanilla_gradient_signed_rank_floor -->). Randomising the output layer alone
#   takes most of that away (-0.068<!-- value: vanilla_gradient_signed_rank_after_top -->), and with both Dense
#   layers random the similarity is at the floor (-0.002<!-- value: vanilla_gradient_signed_rank_after_dense -->).
#   SSIM tells the same story. This is what Adebayo et al. found for the gradient.
# - **The size of the gradient cannot tell.** Ranked by `|∂z_c/∂x|`, two untrained models agree
#   0.745<!-- value: vanilla_gradient_size_rank_floor -->, as well as two trained ones
#   (0.752<!-- value: vanilla_gradient_size_rank_ceiling -->): with this metric a learned model and an unlearned one
#   look the same, so the similarity it leaves after randomisation
#   (0.516<!-- value: vanilla_gradient_size_rank_after_all -->) says nothing about the method. Read without its
#   floor, that number looks like "the gradient's map survives a random model"; the floor shows that any two
#   models' maps would. The deep dive below shows why.
# - **Guided backprop fails, as the paper found.** With both Dense layers random, its maps are as similar to the
#   trained ones (SSIM 0.753<!-- value: guided_backprop_ssim_after_dense -->) as a second trained model's
#   (0.775<!-- value: guided_backprop_ssim_ceiling -->), and two untrained models' maps agree about as well
#   (0.750<!-- value: guided_backprop_ssim_floor -->). Its crisp pictures come from the image and the
#   convolutions, whatever the model learned on top; only randomising the convolutions moves them, and even then
#   not to nothing: the paper's authors note the same.
# - **Grad-CAM and occlusion pass.** A second trained model's maps stay close to ours (signed rank
#   0.776<!-- value: grad_cam_signed_rank_ceiling --> and 0.853<!-- value: occlusion_signed_rank_ceiling -->), two
#   untrained models' do not (0.083<!-- value: grad_cam_signed_rank_floor --> and
#   -0.002<!-- value: occlusion_signed_rank_floor -->), and randomising the output layer drops them to about that
#   floor (0.108<!-- value: grad_cam_signed_rank_after_top --> and
#   -0.129<!-- value: occlusion_signed_rank_after_top -->). Grad-CAM is the noisier of the two: its map is empty
#   for more images once layers are randomised (the count above), and on one seed of the study it stayed well
#   above its floor while the Dense layers were randomised, reaching the floor only with every layer random.
#
# The ceiling is this check's positive control: it shows that each metric *can* see what learning shares, so a
# drop to the floor is the model's doing and not a blind metric. Passing is still a necessary condition, not proof
# that a map is right: a map can depend on the weights and still point at pixels that do not matter. One random
# draw of weights per step, one second model and 64 images make these numbers noisy by a few hundredths; the seed
# study in `docs/results.md` shows that the pattern holds across seeds.

# %% [markdown]
# **Deep dive (optional): why the size of the gradient sees only the ink.** Keras starts every bias at 0. On a
# black background, a first-layer unit whose 3×3 window holds no ink computes exactly 0, and the ReLU passes no
# gradient at 0. So in an untrained model `∂z_c/∂x` is exactly 0 at every pixel more than 2 pixels from the
# garment, whatever the random weights: the *size* of the gradient mostly draws the garment's outline widened by 2
# pixels, and two untrained models rank it alike. Training moves the biases away from 0, which lets the gradient
# reach the background. Counted:

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
results.record(off_ink_gradients_untrained=off_ink["untrained"], off_ink_gradients_trained=off_ink["trained"],
               claims={"untrained_gradient_stays_on_ink": (
                   off_ink["untrained"] == 0 and first_biases["untrained"] == 0,
                   "with zero biases, the untrained model's gradient is exactly 0 more than 2 px from the ink")})

# %% [markdown]
# Every untrained gradient far from the ink is exactly zero, as argued; the trained model's is not. Signed, the
# same untrained gradients are unrelated from one model to the next (the floor near 0 above): the random weights
# set the signs, the image sets where the gradient can be nonzero at all. Guided backprop drops every negative
# gradient on the way down; the table shows what that leaves: maps that follow the image and the convolutions,
# and stay put until the convolutions themselves are randomised.

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
# either way, on every seed of the study), and for 10<!-- value: grad_cam_empty_maps --> of the 64 images its map
# is empty: the ReLU removed everything. A first hint of what the stretch exercise explores. And resizing is
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
# (0.168<!-- value: said_vs_true_class_similarity -->), and far below the same class's map on a second trained
# model (0.851<!-- value: said_vs_true_class_similarity_ceiling -->): what raised the wrong class's score is not
# simply what would have raised the right one. The true class's map is still somewhat closer to it than the other
# classes' maps are (-0.074<!-- value: said_vs_third_class_similarity --> on average): the two classes the model
# confused share a little of their evidence. The floor, the same comparison on an untrained model
# (-0.088<!-- value: said_vs_true_class_similarity_floor --> here), rests on one model and 16 images and moves a lot
# from seed to seed, so on its own it cannot settle how much of that is learned. A map of a wrong prediction shows
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
#   how well each method repeats from one trained model to another, and the pair that agreed more than on
#   untrained models agreed almost as much with another image's map.
# - A similarity is read between its floor (untrained models, which learned nothing) and its ceiling (a second
#   trained model). A metric whose floor reaches its ceiling, like the rank of the gradient's size on these
#   black-background images, cannot say whether a map depends on learning.
# - The sanity check, read that way: the vanilla gradient (signed, or by SSIM), Grad-CAM and occlusion change as
#   soon as the top layer is randomised; guided backprop's maps stay until the convolutions are randomised, as
#   Adebayo et al. found. Passing is necessary, not sufficient: it does not show that a map points at the right
#   pixels.
# - The costs: the gradients and Grad-CAM need one backward pass per image, occlusion 144 forward passes (section 2
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
