"""The Dask backend: lazy in, lazy out (nothing computed before .compute()), reductions across
chunk boundaries, and the estimators from labels counted per chunk against scikit-learn."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import require, require_module

da = require_module("dask")  # dask.array
dask = pytest.importorskip("dask")
sklearn_metrics = pytest.importorskip("sklearn.metrics")
from dask.callbacks import Callback  # noqa: E402


class CountComputes(Callback):
    """Counts the computations Dask starts (any scheduler call)."""

    def __init__(self):
        super().__init__()
        self.starts = 0

    def _start(self, dsk):
        self.starts += 1


RNG = np.random.default_rng(5)
P = RNG.dirichlet(np.ones(6), size=8)
P[:, 2] = 0.0
P /= P.sum(1, keepdims=True)
Q = RNG.dirichlet(np.ones(6), size=8)
Z = RNG.normal(size=(8, 6))
Y = RNG.integers(0, 6, size=8)
X_LABELS = RNG.integers(-3, 40, size=20000)
Y_LABELS = (X_LABELS * 7 + RNG.integers(0, 5, size=20000)) % 23


def lazy(a, chunks):
    return da.from_array(np.asarray(a), chunks=chunks)


def test_nothing_is_computed_until_compute():
    p, q, z = lazy(P, (3, 2)), lazy(Q, (3, 2)), lazy(Z, (3, 2))
    y, xl, yl = lazy(Y, 3), lazy(X_LABELS, 3000), lazy(Y_LABELS, 7000)
    with CountComputes() as counter:
        results = [it.entropy(p), it.kl_divergence(p, q), it.cross_entropy(z, y, from_logits=True),
                   it.jensen_shannon_divergence(p, q), it.mutual_information(p.reshape(8, 6)),
                   it.cross_entropy(z, y, from_logits=True, weight=lazy(np.arange(1.0, 7.0), 3),
                                    label_smoothing=0.1),
                   it.estimate.entropy_from_counts(lazy(np.arange(10), 4)),
                   it.estimate.entropy_from_labels(xl),
                   it.estimate.mutual_information_from_labels(xl, yl),
                   it.estimate.normalized_mutual_information(xl, yl),
                   it.estimate.adjusted_mutual_information(xl, yl),
                   it.estimate.contingency_table(xl, yl),
                   it.estimate.infonce(lazy(np.eye(4) * 3.0, 2))]
    assert counter.starts == 0
    assert all(isinstance(r, da.Array) for r in results)
    with CountComputes() as counter:
        values = dask.compute(*results)
    assert counter.starts == 1
    assert all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)


@pytest.mark.parametrize("chunks", [(8, 6), (3, 1), (1, 4), (5, 5)])
def test_a_class_axis_split_across_chunks_reduces_correctly(chunks):
    from scipy.special import log_softmax, rel_entr
    from scipy.stats import entropy

    p, q, z = lazy(P, chunks), lazy(Q, chunks), lazy(Z, chunks)
    np.testing.assert_allclose(it.entropy(p).compute(), entropy(P, base=2, axis=1), rtol=1e-12)
    np.testing.assert_allclose(it.kl_divergence(p, q, base=math.e).compute(),
                               rel_entr(P, Q).sum(1), rtol=1e-12)
    logp = log_softmax(Z, axis=1)
    np.testing.assert_allclose(it.cross_entropy(z, lazy(Y, chunks[0]), from_logits=True)
                               .compute(), -logp[np.arange(8), Y].mean(), rtol=1e-12)
    np.testing.assert_allclose(it.entropy(z, from_logits=True, base=math.e).compute(),
                               -(np.exp(logp) * logp).sum(1), rtol=1e-12)
    # a joint distribution chunked along both of its axes
    joint = P[:6] / P[:6].sum()
    px, py = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    mi = float((rel_entr(joint, px * py)).sum() / math.log(2))
    assert it.mutual_information(lazy(joint, (4, 4))).compute() == pytest.approx(mi, rel=1e-12)


def test_label_estimators_count_per_chunk_and_match_sklearn():
    # x and y chunked differently (y is rechunked to x's chunks), negative labels
    x, y = lazy(X_LABELS, 3000), lazy(Y_LABELS, 7000)
    m = sklearn_metrics
    mi = it.estimate.mutual_information_from_labels(x, y, base=math.e).compute()
    assert mi == pytest.approx(m.mutual_info_score(X_LABELS, Y_LABELS), rel=1e-10)
    for average in ("arithmetic", "geometric", "min", "max"):
        assert it.estimate.normalized_mutual_information(x, y, average=average).compute() == \
            pytest.approx(m.normalized_mutual_info_score(X_LABELS, Y_LABELS,
                                                         average_method=average), rel=1e-10)
        assert it.estimate.adjusted_mutual_information(x, y, average=average).compute() == \
            pytest.approx(m.adjusted_mutual_info_score(X_LABELS, Y_LABELS,
                                                       average_method=average), rel=1e-10)
    table = it.estimate.contingency_table(x, y).compute()
    np.testing.assert_array_equal(table, m.cluster.contingency_matrix(X_LABELS, Y_LABELS))
    _, counts = np.unique(X_LABELS, return_counts=True)
    from scipy.stats import entropy
    assert it.estimate.entropy_from_labels(x).compute() == pytest.approx(
        entropy(counts, base=2), rel=1e-12)


def test_labels_spanning_a_huge_range_take_the_sparse_path():
    # values spread over 10^12: per chunk and in the merge, counting falls back to sorting
    xs = RNG.integers(0, 50, size=5000) * 10**10 - 7
    ys = RNG.integers(0, 3, size=5000) * 10**11 + xs % 5
    got = it.estimate.mutual_information_from_labels(lazy(xs, 700), lazy(ys, 700),
                                                     base=math.e).compute()
    assert got == pytest.approx(sklearn_metrics.mutual_info_score(xs, ys), rel=1e-10)


def test_errors_found_in_the_data_raise_at_compute():
    x = lazy(np.arange(3), 2)
    r = it.estimate.entropy_from_labels(x, n_classes=2)  # the number of labels is in the data
    with pytest.raises(ValueError, match="entropy_from_labels: n_classes=2 but x has 3"):
        r.compute()
    with pytest.raises(TypeError, match="x must hold integer"):  # the dtype is known: at once
        it.estimate.entropy_from_labels(lazy([0.5, 1.0], 1))


def test_numpy_inputs_join_a_dask_computation():
    out = it.kl_divergence(lazy(P, (4, 3)), Q)  # q: NumPy
    assert isinstance(out, da.Array)
    from scipy.special import rel_entr
    np.testing.assert_allclose(out.compute(), rel_entr(P, Q).sum(1) / math.log(2), rtol=1e-12)


# --- probe reproductions (issue 18) ---------------------------------------------------------
def test_label_vectors_with_unknown_chunk_sizes_are_refused_not_misaligned():
    """Chunks (1, 10) against (10, 1), unknown after boolean indexing: MI 0.413955 where the
    data's is 0.949464, and a contingency table summing to 20 rows for 11."""
    x0, y0 = np.arange(11), np.arange(11) % 3
    x = da.from_array(x0, chunks=(1, 10))
    y = da.from_array(y0, chunks=(10, 1))
    x, y = x[x >= 0], y[y >= 0]
    for f in (it.estimate.mutual_information_from_labels, it.estimate.contingency_table,
              it.estimate.adjusted_mutual_information):
        with pytest.raises(ValueError, match="chunks of unknown size.*compute_chunk_sizes"):
            f(x, y)
    x.compute_chunk_sizes()
    y.compute_chunk_sizes()
    assert float(it.estimate.mutual_information_from_labels(x, y).compute()) == pytest.approx(
        float(it.estimate.mutual_information_from_labels(x0, y0)), rel=1e-12)


def test_an_empty_batch_of_logits_computes_like_numpy():
    """Dask raised "zero-size array to reduction operation maximum" at compute."""
    z, y = np.zeros((0, 3)), np.zeros((0,), dtype=np.int64)
    for f in (lambda a, b: it.cross_entropy(a, b, from_logits=True, reduction="none"),
              lambda a, b: it.cross_entropy(a, b, from_logits=True, reduction="sum"),
              lambda a, b: it.entropy(a, from_logits=True)):
        want = f(z, y)
        got = f(da.from_array(z, chunks=1), da.from_array(y, chunks=1)).compute()
        np.testing.assert_array_equal(got, want)


def test_inputs_with_unknown_chunk_sizes_are_refused_not_failed_at_compute():
    """Logits with an unknown class axis and label smoothing: ``'<' not supported between
    'Array' and 'NoneType'``; unknown rows against known labels: a broadcast error at compute."""
    rng = np.random.default_rng(0)
    z0, y0 = rng.normal(size=(6, 4)), np.array([0, 1, 2, 3, 0, 1])
    z = da.from_array(z0, chunks=(3, 4))
    y = da.from_array(y0, chunks=3)
    unknown_classes = z[:, da.from_array(np.ones(4, bool))]
    unknown_rows = z[z[:, 0] > -10]
    for zz in (unknown_classes, unknown_rows):
        with pytest.raises(ValueError, match="cross_entropy: an input has chunks of unknown "
                                             "size.*compute_chunk_sizes"):
            it.cross_entropy(zz, y, from_logits=True, label_smoothing=0.1)
        with pytest.raises(ValueError, match="kl_divergence: an input has chunks of unknown"):
            it.kl_divergence(zz, z, from_logits=True)
    unknown_rows.compute_chunk_sizes()
    torch = require("torch")
    ref = torch.nn.functional.cross_entropy(torch.tensor(z0), torch.tensor(y0),
                                            label_smoothing=0.1).item()
    got = it.cross_entropy(unknown_rows, y, from_logits=True, label_smoothing=0.1).compute()
    assert float(got) == pytest.approx(ref, rel=1e-12)
    assert float(it.entropy(z[z[:, 0] > -10], from_logits=True).sum().compute()) == \
        pytest.approx(float(it.entropy(z0, from_logits=True).sum()), rel=1e-12)  # one input: fine
