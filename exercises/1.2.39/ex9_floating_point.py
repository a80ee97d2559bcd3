"""Exercise 1.2.39.9: Discuss floating-point limitations.

A computer stores numbers with a fixed number of significant bits, so 1 + something tiny
is just 1 again. The gap between 1 and the next larger number of a type is its *machine
epsilon*; it sets how small a useful step h can be, and it is why subtracting two nearly
equal numbers loses digits (lesson sections "Floating point", "Machine epsilon" and
"Cancellation"). You make that argument with three small functions.

1. ``machine_epsilon(dtype=np.float64)``: find machine epsilon *by halving*, computing
   in ``dtype`` itself. Start from eps = 1 and halve it while 1 + eps/2 is still different
   from 1 in that type; once 1 + eps/2 rounds to 1, eps is the answer.
   Every value in the loop must be of that type: ``t = np.dtype(dtype).type`` gives the
   type, and ``t(1)``, ``t(2)`` are numbers of that type. Do not look the answer up
   (no ``np.finfo``, ``sys.float_info``, ``np.spacing``, ``np.nextafter``, ``math.ulp``):
   the point is to watch the bits run out.

2. ``optimal_step(method, x=1.0, dtype=np.float64)``: a good step h for a difference
   quotient at x in ``dtype``, balancing truncation against round-off (lesson section
   "Total error"): ``sqrt(eps) * max(1, |x|)`` for ``method == "forward"`` and
   ``cbrt(eps) * max(1, |x|)`` for ``method == "central"``, with eps the machine
   epsilon of ``dtype``. Any other method raises ``ValueError``.

3. ``digits_lost(a, b)``: how many significant decimal digits cancel when b is subtracted
   from a,

       log10( max(|a|, |b|) / |a - b| )

   For a = 1 and b = 1 + 1e-8 that is about 8: of the 16 digits of a float64 only about 8
   are left in a - b. The result is never negative (when |a - b| is as large as the
   numbers themselves nothing is lost: return 0.0), and it is ``math.inf`` when a == b
   (every digit cancels).

``dtype`` is a NumPy floating type, like the default: ``np.float16``, ``np.float32``,
``np.float64`` or ``np.longdouble``; the grader passes these types, so ``dtype(1)`` is a
number of that type. ``np.dtype(dtype).type`` also accepts a name such as ``"float32"``.

What the grader checks (``course grade 1.2.39.9``):

- machine_epsilon for float16, float32, float64 and longdouble, exactly, and that your
  file does not look it up (the grader reads the source of machine_epsilon: it can only
  spot the look-ups named above, so the rest is up to your honesty);
- optimal_step within a factor 4 of the formulas above, for all three float types and
  for x small, large and negative; ValueError for an unknown method;
- digits_lost on pairs drawn at grade time (also float32 numbers), within 0.01 digits,
  and its two edge cases.

Read: lessons/1.2.39-numerical-differentiation/index.md#floating-point
"""

import numpy as np


def machine_epsilon(dtype=np.float64) -> float:
    """The machine epsilon of dtype, found by halving in that type.

    Args:
        dtype: a NumPy floating type or its name, e.g. np.float32 or "float32".

    Returns:
        The smallest power of two eps with 1 + eps != 1 in dtype (a float or a NumPy
        scalar of that type).
    """
    raise NotImplementedError("Write machine_epsilon, then run: course grade 1.2.39.9")


def optimal_step(method: str, x: float = 1.0, dtype=np.float64) -> float:
    """A step h for a "forward" or "central" difference at x that balances the errors.

    Returns:
        sqrt(eps) * max(1, |x|) for "forward", cbrt(eps) * max(1, |x|) for "central".

    Raises:
        ValueError: for any other method.
    """
    raise NotImplementedError("Write optimal_step, then run: course grade 1.2.39.9")


def digits_lost(a: float, b: float) -> float:
    """Decimal digits that cancel in a - b: log10(max(|a|, |b|) / |a - b|), at least 0.

    Returns:
        A float >= 0; math.inf when a == b.
    """
    raise NotImplementedError("Write digits_lost, then run: course grade 1.2.39.9")
