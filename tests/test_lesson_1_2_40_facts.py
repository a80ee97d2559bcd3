"""Lesson 1.2.40's page claims what its facts show (lessons/1.2.40-automatic-differentiation/
facts.py computes every number at build time; the prose around them makes claims that a
change in the code could falsify)."""

from __future__ import annotations

import importlib.util
import math
import sys

import numpy as np
import pytest

from tests.support import ROOT

LESSON = ROOT / "lessons" / "1.2.40-automatic-differentiation"


@pytest.fixture(scope="module")
def facts() -> dict:
    spec = importlib.util.spec_from_file_location("lesson_1_2_40_facts", LESSON / "facts.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.facts()


def test_ad_is_exact_to_round_off_and_beats_the_best_central_difference(facts):
    eps = np.finfo(float).eps
    assert facts["cmp_ad_typical"] < 10 * eps  # "exact up to round-off"
    assert facts["cmp_ad_typical"] < facts["cmp_central_best"] / 1000
    # The best step of the central difference sits near cbrt(eps), as lesson 1.2.39 found.
    ratio = facts["cmp_central_best_step"] / eps ** (1 / 3)
    assert 0.1 < ratio < 10


def test_the_worked_traces_agree_with_calculus(facts):
    assert facts["rev_agrees_with_forward"] is True
    assert math.isclose(facts["rev_grad_x"], facts["exact_dfdx"], rel_tol=1e-15)
    assert math.isclose(facts["rev_grad_y"], facts["exact_dfdy"], rel_tol=1e-15)


def test_forward_mode_grows_a_power_faster_than_reverse_mode(facts):
    # Counted operations: forward mode ~ n passes of ~n operations, reverse ~ one of each.
    assert 1.8 < facts["cost_forward_ops_slope"] < 2.2
    assert 0.8 < facts["cost_reverse_ops_slope"] < 1.2
    assert facts["cost_ops_ratio_max"] > 10


def test_the_network_example_checks_out(facts):
    assert facts["net_parameters"] == 47  # 4 -> 5 -> 3 -> 1, weights and biases
    assert facts["net_numeric_evaluations"] == 2 * facts["net_parameters"]
    assert facts["net_tape_vs_hand"] < 1e-12
    assert facts["net_tape_vs_numeric"] < 1e-7


def test_the_babylonian_loop_after_one_iteration_is_far_from_the_true_derivative(facts):
    assert facts["babylonian_first_off_percent"] > 25
    assert facts["abs_at_zero"] == 1
