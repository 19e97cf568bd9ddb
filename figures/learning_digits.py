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
from types import SimpleNamespace

import numpy as np
import xarray as xr

from hebbian import learned_network
from hebbian.datasets import digit_images, mnist_images
from hebbian.figures._output import MARKERS, figure, labelled, run_figure
from hebbian.mc.learning import fixed_points
from hebbian.mc.model import check_exact
from hebbian.theory import learning as L

NETWORKS = [(2, "supervised"), (3, "supervised"), (4, "supervised"), (4, "unsupervised")]
#: Environment variable naming a directory of MNIST / Fashion-MNIST IDX files.
DATA_ENV = "HEBBIAN_LEARNING_DATA"
M_SHOW = 50
FLIP = 0.2
OCCLUDED = 3 / 8  # the lower 3/8 of the rows
#: Hatching of each network's bars in (f), so that they differ in grey too.
HATCHES = ("", "//", "..", "xx")


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


def _network_style(k: int, protocol: str) -> dict:
    """Marker and colour of network ``k``; supervised solid, unsupervised dashed."""
    return {
        "marker": MARKERS[k],
        "color": f"C{k}",
        "ls": "-" if protocol == "supervised" else "--",
    }


def _setup(args, directory: str | None) -> SimpleNamespace:
    """The data set, its split into M_SHOW training examples per class and held-out images."""
    rng = np.random.default_rng(args.seed)
    data = load_images(directory)
    examples, (test, labels), pixels = data.split(M_SHOW, rng)
    xi = examples.archetypes
    K, N = xi.shape
    n_test = min(len(test), 300 if args.quick else 2000)
    pick = rng.choice(len(test), size=n_test, replace=False)
    test, labels = test[pick], labels[pick]
    return SimpleNamespace(
        data=data,
        examples=examples,
        pixels=pixels,
        xi=xi,
        K=K,
        N=N,
        n_test=n_test,
        test=test,
        labels=labels,
        noisy=flipped(test, FLIP, np.random.default_rng([args.seed, 1])),
        hidden=occluded(test, pixels, data.shape),
        source=directory or "scikit-learn 8x8 digits",
        seed=args.seed,
    )


def panel_a(fig, cell, d) -> dict:
    """(a) Archetypes, an example, corrupted held-out images and the supervised fixed points."""
    show = np.array([np.flatnonzero(d.labels == c)[0] for c in range(d.K)])
    rows = {
        "archetype": d.xi,
        "example": d.examples.examples[:, 0],
        "flipped": d.noisy[show],
        "occluded": d.hidden[show],
    }
    for P in (2, 4):
        net = learned_network(d.examples, P)
        rows[f"P={P} flipped"] = reach(net, d.noisy[show], d.seed)
        rows[f"P={P} occluded"] = reach(net, d.hidden[show], d.seed)
    inner = cell.subgridspec(len(rows), d.K, wspace=0.05, hspace=0.1)
    for i, (name, images) in enumerate(rows.items()):
        for c in range(d.K):
            ax = fig.add_subplot(inner[i, c])
            picture = np.zeros(math.prod(d.data.shape))  # dropped pixels grey
            picture[d.pixels] = images[c]
            ax.imshow(picture.reshape(d.data.shape), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(name, fontsize=7, rotation=0, ha="right", va="center")
    title = (
        f"(a) {d.source}: archetypes (never shown), examples, corrupted held-out images "
        f"and supervised fixed points (M = {M_SHOW})"
    )
    fig.text(0.5, 0.985, title, ha="center", fontsize=10)
    return rows


def _training_sets(d, Ms, n_draws: int) -> tuple:
    """Per network, training set drawn anew and M: the reconstruction overlap and the retrieval
    accuracy from the flipped and the occluded held-out images; and the sets' quality r."""
    reconstruction = np.zeros((len(NETWORKS), n_draws, len(Ms)))
    quality = np.zeros((n_draws, len(Ms)))
    accuracy_M = np.zeros((len(NETWORKS), 2, n_draws, len(Ms)))  # (flipped, occluded)
    for j, M in enumerate(Ms):
        for draw in range(n_draws):
            ex, _, _ = d.data.split(M, np.random.default_rng([d.seed, M, draw]))
            quality[draw, j] = ex.r
            own = ex.archetypes[np.repeat(np.arange(d.K), M)]
            for k, (P, protocol) in enumerate(NETWORKS):
                net = learned_network(ex, P, protocol=protocol)
                final = reach(net, ex.examples.reshape(-1, d.N), d.seed)
                reconstruction[k, draw, j] = np.mean(np.sum(final * own, axis=1)) / d.N
                for v, inputs in enumerate((d.noisy, d.hidden)):
                    nearest = closest_class(reach(net, inputs, d.seed), d.xi)
                    accuracy_M[k, v, draw, j] = (
                        np.nan if nearest[0] < 0 else np.mean(nearest == d.labels)
                    )
    return reconstruction, quality, accuracy_M


def panel_b(ax, d, Ms, reconstruction, quality) -> dict:
    """(b) Archetype reconstruction against M, with the random-pattern RS theory."""
    n_draws = quality.shape[0]
    rs = {}
    for k, (P, protocol) in enumerate(NETWORKS):
        overlaps = reconstruction[k]
        ax.errorbar(
            Ms,
            overlaps.mean(0),
            overlaps.std(0, ddof=1) / np.sqrt(n_draws),
            **_network_style(k, protocol),
            ms=4,
            capsize=2,
            label=f"P = {P} {protocol}",
        )
        if protocol == "supervised":
            alpha = d.K / d.N ** (P - 1)
            theory = [
                L.solve(P, alpha, 0.0, float(np.mean(quality[:, j])), M, protocol=protocol)
                for j, M in enumerate(Ms)
            ]
            rs[P] = [s["m"] if s.success else math.nan for s in theory]
            ax.plot(Ms, rs[P], ".:", color=f"C{k}", lw=1.5)  # at the Ms and r of the data
    ax.plot([], [], "k.:", label="random-pattern RS theory")
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
    return rs


def panel_c(ax, d, flips) -> tuple:
    """(c) Retrieval from images with a fraction of pixels flipped; the occupancy of (f)."""
    noise = np.random.default_rng([d.seed, 2])
    corrupted = [flipped(d.test, p, noise) for p in flips]
    baseline = [float(np.mean(closest_class(c, d.xi) == d.labels)) for c in corrupted]
    ax.plot(flips, baseline, "kx:", label="corrupted input, no dynamics")
    accuracy_table, occupancy = {}, []
    for k, (P, protocol) in enumerate(NETWORKS):
        net = learned_network(d.examples, P, protocol=protocol)
        reached = [closest_class(reach(net, c, d.seed), d.xi) for c in corrupted]
        accuracy = [float(np.mean(c == d.labels)) if c[0] >= 0 else math.nan for c in reached]
        occupancy.append(np.bincount(reached[0][reached[0] >= 0], minlength=d.K) / d.n_test)
        ax.plot(flips, accuracy, **_network_style(k, protocol), ms=4, label=f"P = {P} {protocol}")
        accuracy_table[f"P{P}_{protocol}"] = accuracy
    ax.set(
        xlabel="fraction of pixels flipped",
        ylabel="fixed point nearest the right archetype",
        ylim=(0, 1.02),
        title=f"(c) retrieval from corrupted images, n = {d.n_test}",
    )
    ax.legend(fontsize=7)
    return baseline, accuracy_table, occupancy


def panel_d(ax, d, Ms, accuracy_M) -> None:
    """(d) Retrieval against M from flipped (solid) and occluded (dashed) held-out images."""
    n_draws = accuracy_M.shape[2]
    for v, (inputs, style) in enumerate(((d.noisy, "-"), (d.hidden, "--"))):
        ax.axhline(np.mean(closest_class(inputs, d.xi) == d.labels), color="k", ls=":", lw=0.8)
        for k, (P, protocol) in enumerate(NETWORKS):
            a = accuracy_M[k, v]
            ax.errorbar(
                Ms,
                a.mean(0),
                a.std(0, ddof=1) / np.sqrt(n_draws),
                fmt=MARKERS[k] + style,
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


def panel_e(fig, ax, d) -> np.ndarray:
    """(e) The archetypes' overlaps c_mu,nu."""
    c = d.xi @ d.xi.T.astype(float) / d.N
    image = ax.imshow(c, cmap="RdBu_r", vmin=-1, vmax=1)
    fig.colorbar(image, ax=ax, shrink=0.8)
    off = np.abs(c[~np.eye(d.K, dtype=bool)])
    title = f"(e) archetype overlaps: mean |c| = {off.mean():.2f}, max {off.max():.2f}"
    ax.set(xlabel="class", ylabel="class", title=title)
    return c


def panel_f(ax, d, occupancy) -> np.ndarray:
    """(f) Where the fixed points from clean inputs end, against each class mean's centrality."""
    width = 0.8 / len(NETWORKS)
    for k, (P, protocol) in enumerate(NETWORKS):
        ax.bar(
            np.arange(d.K) + (k - 1.5) * width,
            occupancy[k],
            width,
            color=f"C{k}",
            hatch=HATCHES[k],
            edgecolor="w",
            label=f"P = {P} {protocol}",
        )
    ax.bar(
        np.arange(d.K),
        np.bincount(d.labels, minlength=d.K) / d.n_test,
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
    stored = d.examples.means() / math.sqrt(d.examples.R)
    overlap = stored @ stored.T / d.N
    centrality = overlap.sum(axis=1) - np.diag(overlap)
    right = ax.twinx()
    right.plot(
        np.arange(d.K), centrality, "D", color="gray", ms=5, label="class mean's centrality"
    )
    right.set_ylabel(r"centrality $\sum_{\nu \neq \mu} y^\mu \cdot y^\nu / N$ (diamonds)")
    handles = [h for a in (ax, right) for h in a.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, fontsize=7, loc="upper center")
    return centrality


def panel_g(ax, d, Ps) -> tuple[list, list, list]:
    """(g) Correlated cross-talk and load against random patterns and the RS critical load."""
    structured = [correlated_crosstalk(d.xi, P) for P in Ps]
    random = [random_crosstalk(d.K, d.N, P, np.random.default_rng([d.seed, 3])) for P in Ps]
    r_data, rho_data = d.examples.r, d.examples.rho
    overload = []
    for P in Ps:
        a_c = L.alpha_c(P, 0.0, r_data, M_SHOW, self_interactions=True).value
        overload.append((d.K / d.N ** (P - 1)) / a_c if a_c > 0 else math.inf)
    ax.semilogy(Ps, structured, "o-", label="correlated cross-talk, the data's archetypes")
    ax.semilogy(Ps, random, "s--", label="the same, random patterns")
    ax.semilogy(Ps, overload, "^-.", label=r"load $K/N^{P-1}$ / RS $\alpha_c(\rho)$")
    ax.axhline(1.0, color="gray", lw=0.5)
    ax.set(
        xticks=Ps,
        xlabel="P",
        title=f"(g) why: N = {d.N}, K = {d.K}, r = {r_data:.2f}, rho = {rho_data:.3f}",
    )
    ax.legend(fontsize=7)
    return structured, random, overload


def draw(args, directory: str | None) -> tuple:
    """Panels (a)-(g), their Dataset and the run record."""
    d = _setup(args, directory)
    fig = figure(figsize=(16, 14))
    grid = fig.add_gridspec(3, 3, height_ratios=[1.2, 1, 1])
    rows = panel_a(fig, grid[0, :], d)
    Ms = [1, 2, 5, 10, 20, 50] if args.quick else [1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120]
    reconstruction, quality, accuracy_M = _training_sets(d, Ms, 2 if args.quick else 10)
    rs = panel_b(fig.add_subplot(grid[1, 0]), d, Ms, reconstruction, quality)
    flips = np.linspace(0.0, 0.4, 5 if args.quick else 9)
    baseline, accuracy_table, occupancy = panel_c(fig.add_subplot(grid[1, 1]), d, flips)
    panel_d(fig.add_subplot(grid[1, 2]), d, Ms, accuracy_M)
    c = panel_e(fig, fig.add_subplot(grid[2, 0]), d)
    centrality = panel_f(fig.add_subplot(grid[2, 1]), d, occupancy)
    Ps = [2, 3, 4]
    structured, random, overload = panel_g(fig.add_subplot(grid[2, 2]), d, Ps)
    fig.tight_layout(rect=(0, 0, 1, 0.98))

    networks = [f"P{P}_{protocol}" for P, protocol in NETWORKS]
    out = xr.Dataset(
        {
            "archetypes": labelled(("class", "pixel"), d.xi, "class archetype (never shown)"),
            "r": labelled((), d.examples.r, "mean overlap of the examples with their archetype"),
            "rho": labelled((), d.examples.rho, "data-set entropy (1 - r^2)/(M r^2)"),
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
            "pixel": labelled("pixel", d.pixels, "index of the pixel in the image"),
            "class": labelled("class", np.arange(d.K), "class"),
            "class2": labelled("class2", np.arange(d.K), "class"),
            "image": labelled("image", list(rows), "row of panel (a)"),
            "network": labelled("network", networks, "network"),
            "protocol": labelled("network", [p for _, p in NETWORKS], "training protocol"),
            "M": labelled("M", Ms, "examples per class"),
            "flip": labelled("flip", flips, "fraction of pixels flipped"),
            "corruption": labelled("corruption", ["flipped", "occluded"], "corruption"),
            "P": labelled("P", Ps, "interaction order P"),
        },
    )
    meta = {
        "data": d.source,
        "M": M_SHOW,
        "N": d.N,
        "K": d.K,
        "r": d.examples.r,
        "rho": d.examples.rho,
        "n_test": d.n_test,
        "accuracy": accuracy_table,
        "baseline": baseline,
        "flips": flips.tolist(),
        "crosstalk": structured,
        "crosstalk_random": random,
        "overload": overload,
        "occupancy": {n: o.tolist() for n, o in zip(networks, occupancy, strict=True)},
        "centrality": centrality.tolist(),
        "rs_reconstruction": {str(P): v for P, v in rs.items()},
        "reconstruction_M_max": {
            n: float(reconstruction[k, :, -1].mean()) for k, n in enumerate(networks)
        },
    }
    return fig, out, meta


def main(argv: list[str] | None = None):
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--data", default=os.environ.get(DATA_ENV))
    known, rest = extra.parse_known_args(argv)
    return run_figure(
        "learning_digits",
        __doc__.splitlines()[0],
        rest,
        lambda args: draw(args, known.data),
    )


if __name__ == "__main__":
    main()
