"""Structured data: dense networks trained on handwritten digits reconstruct and retrieve them.

Images binarized pixel by pixel against the data set's mean (the pixels that
vary are the neurons): scikit-learn's 8x8 digits by default, or MNIST /
Fashion-MNIST from IDX files on disk (``--data DIR`` on this script's command
line, or the environment variable ``HEBBIAN_LEARNING_DATA=DIR`` for
``hebbian reproduce``; :func:`hebbian.datasets.mnist_images`).  Each class's
"archetype" is the sign of the mean of all its images; the networks see M
examples per class (supervised: the class means; unsupervised: every
example), never the archetypes.  Zero-temperature sequential dynamics to a
fixed point (a network whose integer energies would leave the Monte Carlo
engine's exact range, K (N M)^P ~ 2^53, is left out: NaN, e.g. supervised
P = 4 on MNIST beyond M ~ 12).  (a) Archetypes, a training example, a held-out image with 20%
of its pixels flipped and with its lower rows occluded (set to -1), and the
fixed points of the supervised P = 2 and P = 4 networks.  (b) Archetype
reconstruction: overlap of the fixed point reached from a training example
with its class archetype against M (mean and error over training sets drawn
anew), against the random-pattern RS theory at the data's load K/N^(P-1),
quality r and M (:func:`hebbian.theory.learning.solve`, T = 0; P = 2 is
beyond its critical load there).  (c) Retrieval from held-out images with a
fraction of pixels flipped: fraction of fixed points closest to the image's
own archetype (dotted: the corrupted input itself).  (d) The same against M,
20% flipped (solid) and occluded (dashed).  (e) The archetypes' overlaps
c_mu,nu: real classes are correlated.  (f) Where the fixed points go: the
fraction ending nearest each archetype (clean held-out inputs, M = 50),
against the centrality of each stored class mean y^mu (sum over the other
classes of y^mu.y^nu/N, grey line, right axis): the pairwise network sends
almost every input to the attractor of the most central class ("1" for the
digits), higher P fewer.
(g) Why, in numbers: the correlated cross-talk ``sum_nu |c_mu,nu|^(P-1)``
relative to the signal (mean over mu) against its value for random
patterns of the same N, and the load K/N^(P-1) against the random theory's
critical load alpha_c(rho) (ratio > 1: overloaded).  Correlated archetypes
leave the pairwise network overloaded and merge classes; higher P suppresses
the correlated cross-talk as ``|c|^(P-1)`` and separates them; no network beats
the nearest archetype of the raw input in classifying, but higher P
reconstructs the archetypes (b).
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
import xarray as xr

from hebbian import learned_network
from hebbian.datasets import digit_images, mnist_images
from hebbian.figures._output import labelled, parse_args, write_outputs
from hebbian.mc.learning import fixed_points
from hebbian.mc.model import check_exact
from hebbian.theory import learning as L

NETWORKS = [(2, "supervised"), (3, "supervised"), (4, "supervised"), (4, "unsupervised")]
#: Environment variable naming a directory of MNIST / Fashion-MNIST IDX files.
DATA_ENV = "HEBBIAN_LEARNING_DATA"
M_SHOW = 50
FLIP = 0.2
OCCLUDED = 3 / 8  # the lower 3/8 of the rows


def reach(net, inputs: np.ndarray, seed) -> np.ndarray:
    """Fixed points from ``inputs``; NaN rows where the engine's exact integer energies
    would overflow (supervised rows are example sums: ``K (N M)^P`` must stay below 2^53,
    e.g. P = 4 on MNIST beyond M ~ 12)."""
    rows = net.patterns
    try:
        check_exact(rows.shape[0], rows.shape[1], net.P, int(np.abs(rows).max()))
    except ValueError:
        return np.full(inputs.shape, np.nan)
    return fixed_points(net, inputs, seed)


def closest_class(spins: np.ndarray, archetypes: np.ndarray) -> np.ndarray:
    """Index of the archetype with the largest overlap, per row of ``spins``."""
    overlaps = spins @ archetypes.T.astype(float)
    return np.where(np.isnan(overlaps[:, 0]), -1, np.argmax(np.nan_to_num(overlaps), axis=1))


def load_images(directory: str | None):
    """The bundled digits, or MNIST / Fashion-MNIST IDX files from ``directory``."""
    return digit_images() if not directory else mnist_images(directory)


def flipped(images: np.ndarray, p: float, rng) -> np.ndarray:
    """Each pixel flipped with probability ``p``."""
    return np.where(rng.random(images.shape) < p, -images, images).astype(np.int8)


def occluded(images: np.ndarray, pixels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The pixels in the lower :data:`OCCLUDED` of the rows set to -1."""
    rows = pixels // shape[1]
    out = images.copy()
    out[:, rows >= round(shape[0] * (1 - OCCLUDED))] = -1
    return out


def correlated_crosstalk(archetypes: np.ndarray, P: int) -> float:
    """Mean over classes of ``sum_(nu != mu) |c_mu,nu|^(P-1)``: the cross-talk of the other
    archetypes relative to the signal, on the state of one of them."""
    N = archetypes.shape[1]
    c = archetypes @ archetypes.T.astype(float) / N
    np.fill_diagonal(c, 0.0)
    return float(np.mean(np.sum(np.abs(c) ** (P - 1), axis=1)))


def random_crosstalk(K: int, N: int, P: int, rng) -> float:
    """:func:`correlated_crosstalk` of ``K`` random +-1 patterns of length ``N`` (10 draws)."""
    return float(
        np.mean([correlated_crosstalk(rng.choice([-1, 1], size=(K, N)), P) for _ in range(10)])
    )


def main(argv: list[str] | None = None):
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--data", default=os.environ.get(DATA_ENV))
    known, rest = extra.parse_known_args(argv)
    args = parse_args(__doc__.splitlines()[0], rest)
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    data = load_images(known.data)
    examples, (test, labels), pixels = data.split(M_SHOW, rng)
    xi = examples.archetypes
    K, N = xi.shape
    n_test = min(len(test), 300 if args.quick else 2000)
    pick = rng.choice(len(test), size=n_test, replace=False)
    test, labels = test[pick], labels[pick]
    noisy = flipped(test, FLIP, np.random.default_rng([args.seed, 1]))
    hidden = occluded(test, pixels, data.shape)
    source = known.data or "scikit-learn 8x8 digits"

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(16, 14))
    grid = fig.add_gridspec(3, 3, height_ratios=[1.2, 1, 1])
    meta: dict = {
        "data": source,
        "M": M_SHOW,
        "N": N,
        "K": K,
        "r": examples.r,
        "rho": examples.rho,
        "n_test": n_test,
    }

    # (a) images: archetype, example, corrupted held-out images and reconstructions
    show = np.array([np.flatnonzero(labels == c)[0] for c in range(K)])
    rows = {
        "archetype": xi,
        "example": examples.examples[:, 0],
        "flipped": noisy[show],
        "occluded": hidden[show],
    }
    for P in (2, 4):
        net = learned_network(examples, P)
        rows[f"P={P} flipped"] = reach(net, noisy[show], args.seed)
        rows[f"P={P} occluded"] = reach(net, hidden[show], args.seed)
    inner = grid[0, :].subgridspec(len(rows), K, wspace=0.05, hspace=0.1)
    for i, (name, images) in enumerate(rows.items()):
        for c in range(K):
            ax = fig.add_subplot(inner[i, c])
            picture = np.zeros(math.prod(data.shape))  # dropped pixels grey
            picture[pixels] = images[c]
            ax.imshow(picture.reshape(data.shape), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(name, fontsize=7)
    title = (
        f"(a) {source}: archetypes (never shown), examples, corrupted held-out images "
        f"and supervised fixed points (M = {M_SHOW})"
    )
    fig.text(0.5, 0.985, title, ha="center", fontsize=10)

    # (b) archetype reconstruction vs M, with the random-pattern theory
    ax = fig.add_subplot(grid[1, 0])
    Ms = [1, 2, 5, 10, 20, 50] if args.quick else [1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120]
    n_draws = 2 if args.quick else 10
    reconstruction = np.zeros((len(NETWORKS), n_draws, len(Ms)))
    quality = np.zeros((n_draws, len(Ms)))
    accuracy_M = np.zeros((len(NETWORKS), 2, n_draws, len(Ms)))  # (flipped, occluded)
    for j, M in enumerate(Ms):
        for d in range(n_draws):  # training sets drawn anew
            ex, _, _ = data.split(M, np.random.default_rng([args.seed, M, d]))
            quality[d, j] = ex.r
            own = ex.archetypes[np.repeat(np.arange(K), M)]
            for k, (P, protocol) in enumerate(NETWORKS):
                net = learned_network(ex, P, protocol=protocol)
                final = reach(net, ex.examples.reshape(-1, N), args.seed)
                reconstruction[k, d, j] = np.mean(np.sum(final * own, axis=1)) / N
                for v, inputs in enumerate((noisy, hidden)):
                    nearest = closest_class(reach(net, inputs, args.seed), xi)
                    accuracy_M[k, v, d, j] = (
                        np.nan if nearest[0] < 0 else np.mean(nearest == labels)
                    )
    rs = {}
    for k, (P, protocol) in enumerate(NETWORKS):
        style = "o-" if protocol == "supervised" else "s--"
        overlaps = reconstruction[k]
        ax.errorbar(
            Ms,
            overlaps.mean(0),
            overlaps.std(0, ddof=1) / np.sqrt(n_draws),
            fmt=style,
            color=f"C{k}",
            ms=4,
            capsize=2,
            label=f"P = {P} {protocol}",
        )
        if protocol == "supervised":
            alpha = K / N ** (P - 1)
            theory = [
                L.solve(P, alpha, 0.0, float(np.mean(quality[:, j])), M, protocol=protocol)
                for j, M in enumerate(Ms)
            ]
            rs[P] = [s["m"] if s.success else math.nan for s in theory]
            ax.plot(Ms, rs[P], ":", color=f"C{k}", lw=1.5)
    ax.plot([], [], "k:", label="random-pattern RS theory")
    ax.axhline(
        quality.mean(),
        color="gray",
        ls="-.",
        lw=0.8,
        label=f"an example (r = {quality.mean():.2f})",
    )
    ax.set(
        xscale="log",
        xlabel="examples per class M",
        ylabel="overlap with the class archetype",
        title="(b) archetype reconstruction from a training example",
    )
    ax.legend(fontsize=7)

    # (c) retrieval from images with flipped pixels
    ax = fig.add_subplot(grid[1, 1])
    flips = np.linspace(0.0, 0.4, 5 if args.quick else 9)
    noise = np.random.default_rng([args.seed, 2])
    corrupted = [flipped(test, p, noise) for p in flips]
    baseline = [float(np.mean(closest_class(c, xi) == labels)) for c in corrupted]
    ax.plot(flips, baseline, "k:", label="corrupted input, no dynamics")
    accuracy_table, occupancy = {}, []
    for k, (P, protocol) in enumerate(NETWORKS):
        net = learned_network(examples, P, protocol=protocol)
        reached = [closest_class(reach(net, c, args.seed), xi) for c in corrupted]
        accuracy = [float(np.mean(c == labels)) if c[0] >= 0 else math.nan for c in reached]
        occupancy.append(np.bincount(reached[0][reached[0] >= 0], minlength=K) / n_test)
        style = "o-" if protocol == "supervised" else "s--"
        ax.plot(flips, accuracy, style, color=f"C{k}", ms=4, label=f"P = {P} {protocol}")
        accuracy_table[f"P{P}_{protocol}"] = accuracy
    ax.set(
        xlabel="fraction of pixels flipped",
        ylabel="fixed point nearest the right archetype",
        ylim=(0, 1.02),
        title=f"(c) retrieval from corrupted images, n = {n_test}",
    )
    ax.legend(fontsize=7)

    # (d) retrieval vs M, flipped and occluded inputs
    ax = fig.add_subplot(grid[1, 2])
    for v, (inputs, style) in enumerate(((noisy, "-"), (hidden, "--"))):
        ax.axhline(np.mean(closest_class(inputs, xi) == labels), color="k", ls=":", lw=0.8)
        for k, (P, protocol) in enumerate(NETWORKS):
            a = accuracy_M[k, v]
            ax.errorbar(
                Ms,
                a.mean(0),
                a.std(0, ddof=1) / np.sqrt(n_draws),
                fmt="o" + style,
                color=f"C{k}",
                ms=3,
                capsize=2,
                label=f"P = {P} {protocol}" if v == 0 else None,
            )
    ax.plot([], [], "k-", label=f"{FLIP:.0%} flipped")
    ax.plot([], [], "k--", label=f"lower {OCCLUDED:.0%} occluded")
    ax.plot([], [], "k:", label="input itself")
    ax.set(
        xscale="log",
        xlabel="examples per class M",
        ylim=(0, 1.02),
        ylabel="fixed point nearest the right archetype",
        title="(d) retrieval against M",
    )
    ax.legend(fontsize=7)

    # (e) the archetypes' correlations
    ax = fig.add_subplot(grid[2, 0])
    c = xi @ xi.T.astype(float) / N
    image = ax.imshow(c, cmap="RdBu_r", vmin=-1, vmax=1)
    fig.colorbar(image, ax=ax, shrink=0.8)
    off = np.abs(c[~np.eye(K, dtype=bool)])
    title = f"(e) archetype overlaps: mean |c| = {off.mean():.2f}, max {off.max():.2f}"
    ax.set(xlabel="class", ylabel="class", title=title)

    # (f) where the fixed points go
    ax = fig.add_subplot(grid[2, 1])
    width = 0.8 / len(NETWORKS)
    for k, (P, protocol) in enumerate(NETWORKS):
        ax.bar(
            np.arange(K) + (k - 1.5) * width,
            occupancy[k],
            width,
            color=f"C{k}",
            label=f"P = {P} {protocol}",
        )
    ax.bar(
        np.arange(K),
        np.bincount(labels, minlength=K) / n_test,
        0.9,
        fill=False,
        edgecolor="k",
        label="the inputs' classes",
    )
    ax.set(
        xlabel="nearest archetype of the fixed point",
        ylabel="fraction of inputs",
        title="(f) where clean held-out inputs end",
    )
    ax.legend(fontsize=7, loc="upper right")
    stored = examples.means() / math.sqrt(examples.R)
    overlap = stored @ stored.T / N
    centrality = overlap.sum(axis=1) - np.diag(overlap)
    ax.twinx().plot(np.arange(K), centrality, "-", color="gray", label="centrality")

    # (g) correlated cross-talk and load against the random theory
    ax = fig.add_subplot(grid[2, 2])
    Ps = [2, 3, 4]
    structured = [correlated_crosstalk(xi, P) for P in Ps]
    random = [random_crosstalk(K, N, P, np.random.default_rng([args.seed, 3])) for P in Ps]
    r_data, rho_data = examples.r, examples.rho
    overload = []
    for P in Ps:
        a_c = L.alpha_c(P, 0.0, r_data, M_SHOW, self_interactions=True).value
        overload.append((K / N ** (P - 1)) / a_c if a_c > 0 else math.inf)
    ax.semilogy(Ps, structured, "o-", label="correlated cross-talk, the data's archetypes")
    ax.semilogy(Ps, random, "s--", label="the same, random patterns")
    ax.semilogy(Ps, overload, "^-.", label=r"load $K/N^{P-1}$ / RS $\alpha_c(\rho)$")
    ax.axhline(1.0, color="gray", lw=0.5)
    ax.set(
        xticks=Ps,
        xlabel="P",
        title=f"(g) why: N = {N}, K = {K}, r = {r_data:.2f}, rho = {rho_data:.3f}",
    )
    ax.legend(fontsize=7)
    fig.tight_layout(rect=(0, 0, 1, 0.98))

    networks = [f"P{P}_{protocol}" for P, protocol in NETWORKS]
    out = xr.Dataset(
        {
            "archetypes": labelled(("class", "pixel"), xi, "class archetype (never shown)"),
            "r": labelled((), examples.r, "mean overlap of the examples with their archetype"),
            "rho": labelled((), examples.rho, "data-set entropy (1 - r^2)/(M r^2)"),
            "images": labelled(
                ("image", "class", "pixel"), np.stack(list(rows.values())), "images of panel (a)"
            ),
            "reconstruction": labelled(
                ("network", "draw", "M"),
                reconstruction,
                "overlap of the fixed point with the class archetype",
            ),
            "quality": labelled(("draw", "M"), quality, "example quality r of the training set"),
            "accuracy": labelled(
                ("network", "flip"),
                list(accuracy_table.values()),
                "fraction of fixed points closest to the right archetype",
            ),
            "baseline": labelled(
                "flip", baseline, "fraction of corrupted inputs closest to the right archetype"
            ),
            "accuracy_M": labelled(
                ("network", "corruption", "draw", "M"),
                accuracy_M,
                "fraction of fixed points closest to the right archetype",
            ),
            "occupancy": labelled(
                ("network", "class"),
                occupancy,
                "fraction of clean inputs whose fixed point is nearest a class",
            ),
            "overlaps": labelled(("class", "class2"), c, "overlap of two archetypes"),
            "centrality": labelled(
                "class", centrality, "sum over the other classes of y^mu.y^nu/N, stored means"
            ),
            "crosstalk": labelled(
                "P", structured, "mean over classes of sum_nu |c_mu,nu|^(P-1), the archetypes"
            ),
            "crosstalk_random": labelled("P", random, "the same for random patterns"),
            "overload": labelled("P", overload, "load K/N^(P-1) over the RS critical load"),
        },
        coords={
            "pixel": labelled("pixel", pixels, "index of the pixel in the image"),
            "class": labelled("class", np.arange(K), "class"),
            "class2": labelled("class2", np.arange(K), "class"),
            "image": labelled("image", list(rows), "row of panel (a)"),
            "network": labelled("network", networks, "network"),
            "protocol": labelled("network", [p for _, p in NETWORKS], "training protocol"),
            "M": labelled("M", Ms, "examples per class"),
            "flip": labelled("flip", flips, "fraction of pixels flipped"),
            "corruption": labelled("corruption", ["flipped", "occluded"], "corruption"),
            "P": labelled("P", Ps, "interaction order P"),
        },
    )
    meta.update(
        accuracy=accuracy_table,
        baseline=baseline,
        flips=flips.tolist(),
        crosstalk=structured,
        crosstalk_random=random,
        overload=overload,
        occupancy={n: o.tolist() for n, o in zip(networks, occupancy, strict=True)},
        centrality=centrality.tolist(),
        rs_reconstruction={str(P): v for P, v in rs.items()},
        reconstruction_M_max={
            n: float(reconstruction[k, :, -1].mean()) for k, n in enumerate(networks)
        },
    )
    return write_outputs(fig, out, meta, args, "learning_digits", started)


if __name__ == "__main__":
    main()
