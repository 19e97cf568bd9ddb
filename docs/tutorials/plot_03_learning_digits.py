"""
Learning from examples: dense networks on the 8x8 digits
========================================================

A network trained on examples never sees the archetypes, only ``M`` examples
per class (Agliari et al. 2022-23).  Supervised, it stores the class means;
the retrieval of an archetype is then the theory's archetype overlap.  Here
the examples are scikit-learn's bundled 8x8 digits (offline, 10 classes,
binarized; :func:`hebbian.datasets.digits`); the same code takes MNIST files
from disk with :func:`hebbian.datasets.mnist`.
"""

# %%
# The data: ``M`` binarized training images per class, and the held-out
# images.  The archetype of a class is the sign of the mean of all its images.
import matplotlib.pyplot as plt
import numpy as np

from hebbian import learned_network
from hebbian.datasets import digits
from hebbian.mc import Dynamics, init, kernel_model, step

examples, (test, labels), pixels = digits(40, rng=0)
archetypes = examples.archetypes
print(f"{len(archetypes)} classes, N = {len(pixels)} neurons, example quality {examples.r:.2f}")
overlaps = np.abs(archetypes @ archetypes.T / len(pixels))[~np.eye(10, dtype=bool)]
print(f"archetype overlaps off the diagonal: mean {overlaps.mean():.2f}, max {overlaps.max():.2f}")

# %%
# Zero-temperature dynamics from held-out images: the fixed point is read as
# the class whose archetype it is closest to, for the pairwise (P = 2) and the
# dense (P = 4) supervised network.
zero_T = Dynamics(T=0.0, rule="zero-T", order="sequential")
starts = test[:200]
fig, axes = plt.subplots(1, 3, figsize=(6, 2.3))
for ax, P in zip(axes[1:], (2, 4), strict=True):
    net = learned_network(examples, P=P, protocol="supervised")
    state = init(net, n_replicas=len(starts), start=starts, rng=1)
    step(kernel_model(net), state, zero_T, 100)
    guess = np.argmax(state.sigma @ archetypes.T.astype(float), axis=1)
    correct = np.mean(guess == labels[:200])
    print(f"P = {P}: fixed point closest to the true class for {correct:.2f}")
    ax.imshow(state.sigma[0].reshape(1, -1).repeat(8, 0), cmap="gray", aspect="auto")
    ax.set(title=f"fixed point, P = {P}", xticks=[], yticks=[])
raw = np.argmax(starts @ archetypes.T.astype(float), axis=1)
print(f"the input itself, no dynamics: {np.mean(raw == labels[:200]):.2f}")
axes[0].imshow(starts[0].reshape(1, -1).repeat(8, 0), cmap="gray", aspect="auto")
axes[0].set(title="input (52 pixels)", xticks=[], yticks=[])
fig.tight_layout()
