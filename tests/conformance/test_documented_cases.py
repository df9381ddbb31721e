"""The book's documented values (infotheory.testing.CASES) on every backend and dtype, and
agreement of every backend with the NumPy float64 result on random distributions with zeros."""
import pytest

from infotheory import testing as conformance
from tests.conftest import BACKENDS, require

CASES = [(c, d) for c in conformance.CASES for d in c.dtypes]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case,dtype", CASES, ids=[f"{c.name}-{d}" for c, d in CASES])
def test_documented_case(case, dtype, backend):
    require(backend)
    r = conformance.run_case(case, backend, dtype)
    if r.unsupported:  # declared by the backend (Dask's k-NN): it must say so, clearly
        assert r.error.startswith("NotImplementedError: ") and "compute()" in r.error, r.error
        return
    assert not r.error, r.error
    assert r.passed, f"{case.name} on {backend}/{dtype}: {r.value} vs {case.expected} " \
                     f"(deviation {r.deviation:.3g} > {r.tolerance:.3g})"


@pytest.mark.parametrize("backend", BACKENDS)
def test_random_agreement_with_numpy_float64(backend):
    require(backend)
    results = list(conformance.run_agreement([backend]))
    assert len(results) == len(conformance.random_inputs()) * len(conformance.DTYPES)
    bad = [(r.case, r.dtype, r.deviation, r.tolerance, r.error) for r in results if not r.passed]
    assert not bad, bad


def test_cases_cover_every_measure():
    import infotheory as it

    measures = {c.measure for c in conformance.CASES} | set(conformance.random_inputs())
    public = {"self_information", "entropy", "joint_entropy", "conditional_entropy",
              "mutual_information", "cross_entropy", "nll_loss", "kl_divergence"}
    assert public <= measures
    testing_tools = {"permutation_test", "PermutationResult"}  # (tests/estimate)
    assert {f"estimate.{name}" for name in it.estimate.__all__
            if name not in testing_tools} <= measures
    for m in measures:
        fn = it
        for part in m.split("."):
            fn = getattr(fn, part)
        assert callable(fn), m


def test_unsupported_is_declared_and_only_excuses_not_implemented():
    """Only Dask declares functions unsupported (the k-NN and Gaussian estimators), and a
    declaration excuses only a NotImplementedError of that function, not a wrong value."""
    import infotheory as it

    declared = {b.name: set(b.unsupported) for b in it.registered_backends() if b.unsupported}
    assert declared == {"dask": {
        "estimate.differential_entropy", "estimate.kl_divergence_knn",
        "estimate.mutual_information_ksg", "estimate.conditional_mutual_information_ksg",
        "estimate.transfer_entropy_ksg", "estimate.mutual_information_mixed",
        "estimate.mutual_information_features", "estimate.gaussian_copula",
        "estimate.mutual_information_gaussian", "estimate.o_information_gaussian"}}
    require("dask")
    wrong = conformance.Case("wrong", "entropy", ([0.5, 0.5],), 1.5, 1e-6)
    assert not conformance.run_case(wrong, "dask", "float64").unsupported
    case = next(c for c in conformance.CASES if c.measure == "estimate.differential_entropy")
    r = conformance.run_case(case, "dask", "float64")
    assert r.unsupported and r.passed and r.value is None


def test_a_wrong_value_fails():
    """The runner itself can fail: a case with a wrong expectation does not pass."""
    wrong = conformance.Case("wrong", "entropy", ([0.5, 0.5],), 1.5, 1e-6)
    r = conformance.run_case(wrong, "numpy", "float64")
    assert not r.passed and abs(r.deviation - 0.5) < 1e-12
