"""Hostile: makes NumPy's comparisons always succeed, then returns wrong answers.

expect: fail
message: expected
"""

import numpy
import numpy.testing

numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_almost_equal = lambda *a, **k: None


def square(x):
    return numpy.zeros_like(numpy.asarray(x, dtype=float)) + 7.0


def numeric_gradient_square(x, h=1e-5):
    return numpy.zeros_like(numpy.asarray(x, dtype=float)) + 7.0
