"""Structured data for learning from examples: binarized images grouped by class.

* :func:`digits` - scikit-learn's bundled 8x8 handwritten digits (1797
  images, N = 64), offline and small enough for tests;
* :func:`mnist` - MNIST or Fashion-MNIST (N = 784) from the standard IDX
  files (``train-images-idx3-ubyte[.gz]`` ...) in a directory the user names;
  nothing is downloaded;
* :func:`digit_images` and :func:`mnist_images` - the whole binarized data
  set once (:class:`Images`), to draw many training sets from with
  :func:`class_examples`;
* :func:`binarize`, :func:`read_idx` and :func:`class_examples`, the steps
  all use.

Digit images share a large common component (the empty border, the
strokes' centre of mass), so their class archetypes overlap strongly.  By
default each pixel is therefore binarized against its own mean over the
data set and pixels that barely vary are dropped (``center=True``): the
digits' archetypes then overlap by 0.16 on average instead of 0.55.

Real data have no archetypes.  As in the structured-data tests of Agliari
et al. (arXiv:2212.00606), a class's archetype is taken to be the sign of the
mean of *all* its images (ties +1), the training examples are ``M`` of them,
and the quality ``r`` is their mean overlap with that archetype, so that the
random theory's ``rho = (1 - r^2)/(M r^2)`` can be quoted for real data.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from hebbian._checks import check_int, check_real
from hebbian.patterns import Examples
from hebbian.random import RNGLike, as_generator

__all__ = [
    "Images",
    "binarize",
    "class_examples",
    "digit_images",
    "digits",
    "mnist",
    "mnist_images",
    "read_idx",
]

#: File stems of the IDX files, by split.
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def binarize(images, threshold: float | str | None = None) -> np.ndarray:
    """Pixels above ``threshold`` to +1, the others to -1, one flat row per image.

    Parameters
    ----------
    images : array_like, shape (n, height, width) or (n, N)
        Grey levels (any real scale).
    threshold : float or "mean", optional
        A grey level; ``"mean"``: each pixel's mean over the images
        (centring); default: half the largest grey level (8 for the digits,
        127.5 for MNIST).

    Returns
    -------
    numpy.ndarray of int8, shape (n, N)

    Raises
    ------
    ValueError
        For arrays of another dimension, non-finite pixels, or a threshold
        that leaves every pixel on one side (nothing binary is left).

    Examples
    --------
    >>> binarize(np.array([[[0, 9], [16, 3]]]))
    array([[-1,  1,  1, -1]], dtype=int8)
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim not in (2, 3) or x.shape[0] < 1:
        raise ValueError(
            f"images has shape {x.shape}; pass (n, height, width) or (n, N) grey levels"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError("images contains NaN or inf; pass finite grey levels")
    x = x.reshape(x.shape[0], -1)
    if isinstance(threshold, str) and threshold == "mean":
        t = x.mean(axis=0)
    else:
        t = 0.5 * float(x.max()) if threshold is None else check_real(threshold, "threshold")
    out = np.where(x > t, 1, -1).astype(np.int8)
    if np.all(out == out.flat[0]):
        raise ValueError(
            f"threshold={threshold!r} puts every pixel on one side: the binarized images are "
            f"constant; pass a threshold between the grey levels ({x.min():g} .. {x.max():g})"
        )
    return out


def _prepare(images, center: bool, threshold, min_std: float) -> tuple[np.ndarray, np.ndarray]:
    """Binarized images and the indices of the pixels kept."""
    flat = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    if not center:
        return binarize(flat, threshold), np.arange(flat.shape[1])
    pixels = np.flatnonzero(flat.std(axis=0) > min_std)
    return binarize(flat[:, pixels], "mean"), pixels


def class_examples(spins, labels, M: int, *, rng: RNGLike = None) -> tuple[Examples, np.ndarray]:
    """Group +-1 images by class into :class:`hebbian.Examples` of ``M`` per class.

    Parameters
    ----------
    spins : array_like, shape (n, N), entries +-1
        Binarized images (:func:`binarize`).
    labels : array_like of int, shape (n,)
        Class of each image; the classes are the sorted distinct labels.
    M : int
        Training examples per class, drawn at random without replacement;
        every class needs at least ``M + 1`` images (one left for testing).
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    examples : Examples
        Archetypes (sign of each class mean over all its images), the ``M``
        examples, and ``r`` their mean overlap with the archetypes.
    held_out : numpy.ndarray of bool, shape (n,)
        Images not used for training (test inputs).

    Raises
    ------
    ValueError
        For entries other than +-1, mismatched lengths, or too few images in
        a class.
    """
    s = np.asarray(spins)
    y = np.asarray(labels)
    if s.ndim != 2 or not np.all((s == 1) | (s == -1)):
        raise ValueError(
            f"spins has shape {s.shape} or entries other than +-1; binarize the images first "
            f"(hebbian.datasets.binarize)"
        )
    if y.shape != (s.shape[0],):
        raise ValueError(f"labels has shape {y.shape}; pass one label per image, ({s.shape[0]},)")
    M = check_int(M, "M (examples per class)", minimum=1)
    rng = as_generator(rng)
    classes = np.unique(y)
    archetypes, chosen = [], []
    held_out = np.ones(len(y), bool)
    for c in classes:
        idx = np.flatnonzero(y == c)
        if len(idx) < M + 1:
            raise ValueError(
                f"class {c} has {len(idx)} images; M={M} needs at least M + 1, pass a smaller M"
            )
        archetypes.append(np.where(s[idx].mean(axis=0) >= 0, 1, -1))
        pick = rng.choice(idx, size=M, replace=False)
        chosen.append(s[pick])
        held_out[pick] = False
    xi = np.array(archetypes, dtype=np.int8)
    eta = np.array(chosen, dtype=np.int8)
    eta.setflags(write=False)
    r = float(np.mean(eta * xi[:, None, :]))
    if not r > 0:
        raise ValueError(f"the examples' mean overlap with their class archetypes is r={r:g} <= 0")
    return Examples(archetypes=xi, examples=eta, r=min(r, 1.0)), held_out


#: What :func:`digits` and :func:`mnist` return: the training examples, the
#: held-out ``(spins, labels)`` and the pixels kept as neurons.
LearningData = tuple[Examples, tuple[np.ndarray, np.ndarray], np.ndarray]


class Images(NamedTuple):
    """A binarized image data set.

    Attributes
    ----------
    spins : numpy.ndarray of int8, shape (n, N)
        The images, +-1 on the pixels kept.
    labels : numpy.ndarray of int, shape (n,)
    pixels : numpy.ndarray of int, shape (N,)
        Indices of the kept pixels into the flattened image.
    shape : tuple of int
        ``(height, width)`` of an image.
    """

    spins: np.ndarray
    labels: np.ndarray
    pixels: np.ndarray
    shape: tuple[int, int]

    def split(self, M: int, rng: RNGLike = None) -> LearningData:
        """``M`` training examples per class and the held-out rest (:func:`class_examples`)."""
        examples, held_out = class_examples(self.spins, self.labels, M, rng=rng)
        return examples, (self.spins[held_out], self.labels[held_out]), self.pixels


def digit_images(*, center: bool = True) -> Images:
    """scikit-learn's 8x8 digits, binarized (see :func:`digits`).

    Parameters
    ----------
    center : bool
        Binarize each pixel against its mean and keep the 52 pixels whose grey
        level varies by more than 0.5 (of 16); otherwise threshold all 64 at 8.

    Returns
    -------
    Images
        1797 images of 10 classes, ``shape`` (8, 8).
    """
    try:
        from sklearn.datasets import load_digits  # bundled with scikit-learn, offline
    except ImportError:
        raise ImportError(
            "the 8x8 digits come with scikit-learn: pip install 'dense-hebbian[figures]'"
        ) from None

    data = load_digits()
    spins, pixels = _prepare(data.images, center, 8.0, 0.5)
    return Images(spins, data.target, pixels, (8, 8))


def digits(M: int = 50, *, center: bool = True, rng: RNGLike = None) -> LearningData:
    """scikit-learn's 8x8 digits as learning data (10 classes).

    Parameters
    ----------
    M : int
        Training examples per class.
    center : bool
        Binarize each pixel against its mean and keep the 52 pixels whose grey
        level varies by more than 0.5 (of 16); otherwise threshold all 64 at 8.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    examples : Examples
    test : tuple (spins, labels)
        The images not used for training, binarized.
    pixels : numpy.ndarray of int
        Indices (into the 64 pixels) of the neurons.

    Examples
    --------
    >>> ex, (test, labels), pixels = digits(40, rng=0)
    >>> ex.examples.shape, test.shape[1], len(pixels), round(ex.r, 2)
    ((10, 40, 52), 52, 52, 0.57)
    """
    return digit_images(center=center).split(M, rng)


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the MNIST format; ``.gz`` is decompressed).

    Raises
    ------
    FileNotFoundError
        Naming the file and where MNIST / Fashion-MNIST are published.
    ValueError
        For a file that is not IDX.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist; download MNIST or Fashion-MNIST (IDX files, e.g. "
            f"from the Fashion-MNIST repository) and pass the directory that holds them"
        )
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file (bad magic number)")
    n_dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * k : 8 + 4 * k], "big") for k in range(n_dims))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * n_dims)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} holds {data.size} bytes of data for shape {shape}")
    return data.reshape(shape)


def mnist_images(
    directory: str | os.PathLike, *, split: str = "train", center: bool = True
) -> Images:
    """MNIST or Fashion-MNIST IDX files from ``directory``, binarized (see :func:`mnist`).

    Parameters
    ----------
    directory : path
        Holds ``{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (or ``.gz``).
    split : {"train", "test"}
        Which file pair to read.
    center : bool
        Pixels binarized against their means, those varying by less than 8
        grey levels (of 255) dropped; otherwise all 784 thresholded at 127.5.

    Returns
    -------
    Images
        ``shape`` (28, 28).

    Raises
    ------
    FileNotFoundError
        Naming the missing file and where the data sets are published.
    ValueError
        For an unknown ``split`` or a file that is not IDX.
    """
    if split not in IDX_FILES:
        raise ValueError(f"split={split!r} is not one of {tuple(IDX_FILES)}")
    directory = Path(directory).expanduser()
    found = []
    for stem in IDX_FILES[split]:
        options = [directory / stem, directory / f"{stem}.gz"]
        found.append(next((p for p in options if p.exists()), options[0]))
    images, labels = read_idx(found[0]), read_idx(found[1])
    spins, pixels = _prepare(images, center, 127.5, 8.0)
    return Images(spins, labels, pixels, tuple(images.shape[1:]))


def mnist(
    directory: str | os.PathLike,
    M: int = 100,
    *,
    split: str = "train",
    center: bool = True,
    rng: RNGLike = None,
) -> LearningData:
    """MNIST or Fashion-MNIST (same IDX file names) as learning data (up to N = 784).

    Parameters
    ----------
    directory : path
        Holds ``{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (or ``.gz``).
    M : int
        Training examples per class.
    split : {"train", "test"}
        Which file pair to read.
    center : bool
        As for :func:`digits`: pixels binarized against their means, those
        varying by less than 8 grey levels (of 255) dropped; otherwise all
        784 thresholded at 127.5.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    examples : Examples
    test : tuple (spins, labels)
    pixels : numpy.ndarray of int
    """
    return mnist_images(directory, split=split, center=center).split(M, rng)
