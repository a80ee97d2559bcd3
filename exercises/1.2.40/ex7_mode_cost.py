"""Exercise 1.2.40.7: Explain the cost of each mode.

Take a function f from R^n to R^m: n inputs, m outputs. Its full Jacobian is an m by n
table of partial derivatives, and automatic differentiation fills it in passes:

- one *forward-mode* pass seeds one input direction and carries it to every output, so
  it yields one column of the Jacobian; n columns take n passes;
- one *reverse-mode* pass starts from one output and sends its adjoint back to every
  input, so it yields one row; m rows take m passes.

Which mode is cheaper therefore depends only on the shape of the problem. Write:

1. ``passes(mode, n_inputs, n_outputs)``: how many passes ``mode`` needs for the full
   Jacobian. ``mode`` is exactly the text ``"forward"`` or ``"reverse"``; any other value
   (another spelling such as ``"Forward"`` or ``" reverse"``, another word, ``None``, a
   number) raises ``ValueError``.
2. ``cheaper_mode(n_inputs, n_outputs)``: ``"forward"`` when forward mode needs fewer
   passes, ``"reverse"`` when reverse mode does, and ``"either"`` when the counts are
   equal.
3. Two constants, each one of the texts ``"forward"``, ``"reverse"`` or ``"either"``:
   ``NEURAL_NETWORK_LOSS_MODE``, the mode for the gradient of a training loss (one number)
   with respect to a network's million parameters, and ``JACOBIAN_OF_SQUARE_MAP_MODE``,
   the mode for the full Jacobian of a map from R^n to R^n.

``n_inputs`` and ``n_outputs`` are positive whole numbers.

What the grader checks (``course grade 1.2.40.7``):

- the counts of both modes for drawn shapes, small and very large;
- that every mode other than the two exact texts raises ValueError;
- the choice of cheaper_mode for drawn shapes, with equal counts among them;
- the two constants.

Read: lessons/1.2.40-automatic-differentiation/index.md#cost-of-each-mode
"""

# Replace each None with "forward", "reverse" or "either".
NEURAL_NETWORK_LOSS_MODE = None
JACOBIAN_OF_SQUARE_MAP_MODE = None


def passes(mode, n_inputs, n_outputs):
    """The number of passes that ``mode`` needs for the full Jacobian of f: R^n -> R^m.

    Args:
        mode: the text "forward" or "reverse"; anything else raises ValueError.
        n_inputs: n, the number of inputs of f.
        n_outputs: m, the number of outputs of f.

    Returns:
        The number of passes, a whole number.
    """
    raise NotImplementedError("Write passes, then run: course grade 1.2.40.7")


def cheaper_mode(n_inputs, n_outputs):
    """The mode that fills the full Jacobian in fewer passes.

    Returns:
        "forward", "reverse", or "either" when both need the same number of passes.
    """
    raise NotImplementedError("Write cheaper_mode, then run: course grade 1.2.40.7")
