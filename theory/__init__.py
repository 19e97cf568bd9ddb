"""Replica theory of Hebbian networks: RS and RSB self-consistency solvers.

Builds on :mod:`hebbian` (networks, normalizations).  The solvers arrive with
the replica-symmetric theory work; this package is installed from the start
so that the import layout is fixed.
"""
