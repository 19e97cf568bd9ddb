"""Monte Carlo samplers for the binary networks of :mod:`hebbian`.

Single-spin-flip chains on the Mattis overlaps, parallel tempering,
observables with error bars and finite-size extrapolation arrive with the
Monte Carlo engine work; this package is installed from the start so that
the import layout is fixed.
"""
