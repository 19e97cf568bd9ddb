"""Lyapunov spectrum cost per time step: matrix-free tangent vectors against the dense propagator.

Run ``python benchmarks/lyapunov.py [--quick]``; it prints the machine and a
markdown table for BENCHMARKS.md, every number from this one run.

Vanilla network (:class:`hebbian.rnn.VanillaRNN`), ``N = 1000``, ``g = 2``,
RK4 step ``dt = 0.1``, QR re-orthonormalization every 10 steps, float64.

(a) :func:`hebbian.rnn.lyapunov_spectrum` with ``k`` tangent vectors: each
    RK4 stage is ``J(x) Q = g W (phi'(x) Q) - Q`` without forming ``J``,
    ``O(N^2 k)`` a step, plus an ``O(N k^2)`` QR every 10 steps;
(b) the dense approach: form the ``N x N`` Jacobian at every RK4 stage and
    propagate the full ``N x N`` frame (``O(N^3)`` a step whatever ``k``),
    with the same QR schedule; checked equal to (a) at one stage.

Times are medians over repeats of whole runs divided by the number of steps
(fewer steps for ``k = N`` and the dense approach).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess

import numpy as np
from _timing import median_time

from hebbian.rnn import VanillaRNN, lyapunov_spectrum

N, G, DT, REORTH = 1000, 2.0, 0.1, 10


def dense_run(net: VanillaRNN, x, Q, n_steps: int) -> np.ndarray:
    """Approach (b): RK4 on ``(x, Q)`` with ``J(x) @ Q`` from the formed Jacobian; log growths."""
    f, jac = net._vector_field, net._jacobian
    log_growth = np.zeros(Q.shape[1])
    for n in range(1, n_steps + 1):
        k1, K1 = f(x), jac(x) @ Q
        x2, Q2 = x + 0.5 * DT * k1, Q + 0.5 * DT * K1
        k2, K2 = f(x2), jac(x2) @ Q2
        x3, Q3 = x + 0.5 * DT * k2, Q + 0.5 * DT * K2
        k3, K3 = f(x3), jac(x3) @ Q3
        x4, Q4 = x + DT * k3, Q + DT * K3
        k4, K4 = f(x4), jac(x4) @ Q4
        x = x + (DT / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        Q = Q + (DT / 6.0) * (K1 + 2.0 * K2 + 2.0 * K3 + K4)
        if n % REORTH == 0:
            Q, R = np.linalg.qr(Q)
            log_growth += np.log(np.abs(np.diag(R)))
    return log_growth


def machine() -> str:
    """CPU model (``lscpu``) and core count."""
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in lines.splitlines()
                     if line.startswith("Model name"))  # fmt: skip
    except (OSError, subprocess.CalledProcessError, StopIteration):
        model = platform.processor() or platform.machine()
    return f"{model}, {os.cpu_count()} cores"


def table(steps: int, steps_full: int, repeats: int) -> list[str]:
    net = VanillaRNN.sample(N, G, rng=1)
    rng = np.random.default_rng(2)
    x = net.simulate(rng.standard_normal(N), t_max=50.0, dt=DT).x[-1]  # on the attractor
    frame = np.linalg.qr(rng.standard_normal((N, N)))[0]
    if not np.allclose(net.jacobian(x) @ frame, net.jacobian_product(x, frame), atol=1e-10):
        raise RuntimeError("the dense and matrix-free Jacobian products disagree; fix first")
    t_dense = median_time(lambda: dense_run(net, x, frame, steps_full), repeats) / steps_full
    rows = [
        "| k exponents | steps timed | matrix-free time per step | dense N x N time per step "
        "| dense / matrix-free |",
        "| --- | --- | --- | --- | --- |",
    ]
    for k in (1, 10, 100, N):
        n = steps_full if k == N else steps

        def run(k=k, n=n):
            lyapunov_spectrum(net, x, t_transient=0.0, t_max=n * DT, dt=DT, n_exponents=k,
                              reorth_every=REORTH, rng=3)  # fmt: skip

        t = median_time(run, repeats) / n
        rows.append(f"| {k} | {n} | {t * 1e3:.3f} ms | {t_dense * 1e3:.1f} ms "
                    f"| {t_dense / t:,.1f}x |")  # fmt: skip
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    args = parser.parse_args(argv)
    steps, steps_full, repeats = (50, 10, 3) if args.quick else (200, 20, 5)
    print(f"machine: {machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}\n")  # fmt: skip
    print(f"vanilla network N = {N}, g = {G:g}, RK4 dt = {DT}, QR every {REORTH} steps, "
          f"median of {repeats} repeats\n")  # fmt: skip
    print("\n".join(table(steps, steps_full, repeats)))


if __name__ == "__main__":
    main()
