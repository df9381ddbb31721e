"""The guarantees, swept over every public function of ``tests/functions.py`` on every backend:
the table covers the public API; declared shape contracts raise our error; a probability input
with a NaN, negative or > 1 entry gives NaN there and changes nothing else; the default unit is
the caller's (two asyncio tasks with different ``default_base`` blocks, interleaved); pandas
inputs equal their NumPy arrays; a wrong kind of input gets our error, naming the function.

The sweeps read the declarations: each entry is run once with its calls of
:class:`infotheory._frontend.Function` recorded, which tells which array fed which declared
input, its kind, its contract and the function's default unit."""
import asyncio
import math
from unittest import mock

import numpy as np
import pytest

import infotheory as it
from infotheory import _frontend, estimate
from infotheory._frontend import NATS, Function
from tests.conftest import native, to_np
from tests.functions import CALLS, ESTIMATES, NOT_FUNCTIONS_OF_TENSORS, SAMPLES_MAY_DIFFER

ENTRIES = {**CALLS, **ESTIMATES}
_CALL = Function.__call__


class Recorded:
    """One call of a declared function: the function, and per input its source array (a NumPy
    array of the table) and resolved kind."""

    def __init__(self, f: Function, sources, options):
        self.f, self.sources, self.options = f, sources, options

    def kinds(self):
        out = {}
        for inp, src in zip(self.f.inputs, self.sources):
            if src is None:
                continue
            kind = inp.kind(self.options) if callable(inp.kind) else inp.kind
            if kind == "target":
                kind = "dist" if src.dtype.kind == "f" else "labels"
            out[inp.name] = kind
        return out


def record(name, backend="numpy"):
    """The declared calls the entry ``name`` makes (with the arrays that fed them)."""
    made = {}

    def t(a):
        x = native(backend, a)
        made[id(x)] = a
        return x
    calls = []

    def spy(self, *tensors, **kw):
        calls.append(Recorded(self, [made.get(id(x)) for x in tensors],
                              {k: v for k, v in kw.items() if k not in ("base", "validate")}))
        calls[-1].base = kw.get("base")
        return _CALL(self, *tensors, **kw)
    with mock.patch.object(Function, "__call__", spy):
        ENTRIES[name](t)
    return calls


def run(name, backend, replace=None):
    """The entry's result on ``backend``, with the arrays of ``replace`` (pairs: old, new)
    swapped (the old ones found by identity)."""
    replace = replace or ()

    def t(a):
        for old, new in replace:
            if a is old or (a.shape == old.shape and a.dtype == old.dtype
                            and np.array_equal(a, old)):  # made again by the entry
                return new if not isinstance(new, np.ndarray) else native(backend, new)
        return native(backend, a)
    return ENTRIES[name](t)


def _supported(name, backend):
    try:
        return run(name, backend)
    except NotImplementedError as e:  # a documented refusal (k-NN and Gaussian on Dask)
        assert str(e).startswith(f"{record(name)[0].f.name}:"), str(e)
        pytest.skip(f"{name} is not available on {backend}: {e}")


# --- the table ---------------------------------------------------------------------------------
def _public():
    names = {n for n in it.__all__ if callable(getattr(it, n))}
    return names | {n for n in estimate.__all__ if callable(getattr(estimate, n))}


def test_every_public_function_is_in_the_table():
    called = {r.f.name for name in ENTRIES for r in record(name)}
    missing = _public() - called - NOT_FUNCTIONS_OF_TENSORS
    assert not missing, f"public functions missing from tests/functions.py: {sorted(missing)}"
    assert NOT_FUNCTIONS_OF_TENSORS <= _public()  # no stale exclusion
    assert len(called) >= 45


def test_a_function_missing_from_the_table_is_caught(monkeypatch):
    monkeypatch.setattr(it, "__all__", [*it.__all__, "made_up_measure"])
    monkeypatch.setattr(it, "made_up_measure", lambda p: p, raising=False)
    with pytest.raises(AssertionError, match="made_up_measure"):
        test_every_public_function_is_in_the_table()


# --- shapes ------------------------------------------------------------------------------------
def _contracts():
    """(entry, function, input name, source array) for every declared contract the table
    reaches."""
    out = []
    for name in sorted(ENTRIES):
        for r in record(name):
            for inp, src in zip(r.f.inputs, r.sources):
                if src is not None and (inp.agrees_with or inp.broadcasts_to):
                    out.append((name, r.f.name, inp.name, src))
    return out


CONTRACTS = _contracts()


def test_every_declared_contract_is_reached():
    declared = {(f.name, i.name) for f in _declared_functions() for i in f.contracts}
    assert declared, "no contract declared"
    assert declared <= {(fn, inp) for _, fn, inp, _ in CONTRACTS}


def _declared_functions():
    return _frontend.DECLARED


@pytest.mark.parametrize("name,fn,inp,src", CONTRACTS,
                         ids=[f"{n}-{i}" for n, _, i, _ in CONTRACTS])
def test_a_contract_refuses_another_shape(backend, name, fn, inp, src):
    _supported(name, backend)
    with pytest.raises(ValueError, match=rf"^{fn}: {inp} "):
        run(name, backend, [(src, src[..., None])])  # (N, ..., 1): broadcasting would enlarge


def _paired_samples():
    """Estimators of several variables: each variable's samples pair with the first's."""
    out = []
    for name in sorted(ESTIMATES):
        for r in record(name):
            srcs = [s for s in r.sources if s is not None]
            if name in SAMPLES_MAY_DIFFER:
                continue
            if len(srcs) >= 2 and srcs[0].ndim >= 1 and srcs[1].shape[:1] == srcs[0].shape[:1]:
                out.append((name, r.f.name, srcs[1]))
    return out


PAIRED = _paired_samples()


@pytest.mark.parametrize("name,fn,src", PAIRED, ids=[n for n, _, _ in PAIRED])
def test_variables_with_different_sample_counts_are_refused(backend, name, fn, src):
    _supported(name, backend)
    with pytest.raises(ValueError, match=rf"^{fn}: "):
        run(name, backend, [(src, src[:-1])])


# --- NaN rules ---------------------------------------------------------------------------------
def _probability_inputs():
    out = []
    for name in sorted(CALLS):
        seen = set()
        for r in record(name):
            kinds = r.kinds()
            for inp, src in zip(r.f.inputs, r.sources):
                if src is None:
                    continue
                kind, inp = kinds[inp.name], inp.name
                if kind == "dist" and src.dtype.kind == "f" and id(src) not in seen:
                    seen.add(id(src))
                    out.append((name, inp, src))
    return out


PROBABILITIES = _probability_inputs()


def test_the_nan_sweep_reaches_every_probability_measure():
    names = {n for n, _, _ in PROBABILITIES}
    assert {"entropy", "kl_divergence", "renyi_divergence", "self_information", "bald",
            "binary_entropy", "total_correlation"} <= names
    assert len(PROBABILITIES) >= 24


@pytest.mark.parametrize("bad", [math.nan, -0.25, 1.5])
@pytest.mark.parametrize("name,inp,src", PROBABILITIES,
                         ids=[f"{n}-{i}" for n, i, _ in PROBABILITIES])
def test_an_impossible_probability_gives_nan_and_changes_nothing_else(backend, name, inp, src,
                                                                      bad):
    clean = to_np(run(name, backend)).astype(np.float64)
    corrupt = src.copy()
    corrupt[(0,) * src.ndim] = bad
    got = to_np(run(name, backend, [(src, corrupt)])).astype(np.float64)
    assert got.shape == clean.shape
    nan = np.isnan(got)
    assert nan.any(), f"{name}: {inp} with an entry {bad} gave {got}, not NaN"
    np.testing.assert_allclose(got[~nan], clean[~nan], rtol=1e-6, atol=1e-12)


# --- units under asyncio -----------------------------------------------------------------------
def _has_default_unit(name):
    return any(r.f.unit is not NATS and r.base is None for r in record(name))


UNITS = sorted(ENTRIES)


@pytest.mark.parametrize("name", UNITS)
def test_each_asyncio_task_gets_its_own_unit(backend, name):
    _supported(name, backend)
    with it.default_base(2):
        bits = to_np(run(name, backend))
    with it.default_base(math.e):
        nats = to_np(run(name, backend))
    if _has_default_unit(name) and name != "contingency_table":
        finite = np.isfinite(bits) & (bits != 0)
        assert finite.any()
        np.testing.assert_allclose(nats[finite], bits[finite] * math.log(2), rtol=1e-6)

    async def task(b, want, started, other):
        with it.default_base(b):
            started.set()
            await other.wait()  # the other task's block is open too
            got = to_np(run(name, backend))
            await asyncio.sleep(0)
        np.testing.assert_array_equal(got, want)

    async def main():
        a, b = asyncio.Event(), asyncio.Event()
        await asyncio.gather(task(2, bits, a, b), task(math.e, nats, b, a))
    asyncio.run(main())


# --- pandas ------------------------------------------------------------------------------------
def _frame(a):
    pd = pytest.importorskip("pandas")
    if a.ndim == 1:
        return pd.Series(a)
    return pd.DataFrame(a) if a.ndim == 2 else a


PANDAS = sorted(n for n in ENTRIES
                if all(s is None or s.ndim <= 2 for r in record(n) for s in r.sources))


@pytest.mark.parametrize("name", PANDAS)
def test_pandas_inputs_equal_their_numpy_arrays(name):
    want = to_np(ENTRIES[name](lambda a: a))
    got = ENTRIES[name](_frame)
    assert isinstance(got, (np.ndarray, np.generic, float)), type(got)
    np.testing.assert_array_equal(to_np(got), want)


def test_the_pandas_sweep_covers_the_issue_cases():
    pd = pytest.importorskip("pandas")
    assert {"entropy", "mutual_information_ksg", "gaussian_copula",
            "differential_entropy", "entropy_from_counts"} <= set(PANDAS)
    df = pd.DataFrame({"g": ["a", "b", "a", "c", "a"], "h": [1, 2, 1, 1, 2]})
    np.testing.assert_allclose(estimate.entropy_from_counts(df.g.value_counts()),
                               estimate.entropy_from_labels(df.g), rtol=1e-15)
    table = pd.crosstab(df.g, df.h) / len(df)
    np.testing.assert_allclose(it.mutual_information(table),
                               estimate.mutual_information_from_labels(df.g, df.h), rtol=1e-12)


# --- errors are ours ---------------------------------------------------------------------------
@pytest.mark.parametrize("wrong", [object(), "abc", {"p": 1}], ids=["object", "str", "dict"])
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_wrong_kind_of_input_gets_our_error(name, wrong):
    first = next(s for r in record(name) for s in r.sources if s is not None)
    fn = record(name)[0].f.name
    with pytest.raises(TypeError, match=rf"^{fn}: "):
        run(name, "numpy", [(first, wrong)])


def test_every_function_of_the_table_names_itself_in_its_errors():
    """The sweep above asserts ``fn:`` with the recorded function's name: that must be the
    public name, or the user reads an internal one."""
    for name in ENTRIES:
        for r in record(name):
            assert r.f.name in _public(), (name, r.f.name)


# --- docstrings --------------------------------------------------------------------------------
def test_every_docstring_states_its_default_unit_and_its_nan_rule():
    import re
    missing = []
    for name in sorted(ENTRIES):
        for r in record(name):
            public = getattr(it, r.f.name, None) or getattr(estimate, r.f.name)
            doc = public.__doc__ or ""
            unit = None if r.f.unit is NATS else ("bits" if r.f.unit == 2 else "nats")
            if unit is not None and not re.search(unit, doc, re.I):
                missing.append(f"{r.f.name}: no unit ({unit})")
            if "NaN" not in doc:
                missing.append(f"{r.f.name}: no NaN rule")
    assert not missing, sorted(set(missing))


def test_every_function_with_value_checks_takes_validate():
    """A declaration with ``checks`` (what ``validate=True`` runs) belongs to a public function
    that takes ``validate`` (self_information, binary_entropy, pointwise_mutual_information
    and the two Gaussian functions had checks, or could have, and no way to ask for them)."""
    import inspect

    from infotheory._frontend import DECLARED

    public = {name: getattr(module, name) for module in (it, it.estimate)
              for name in module.__all__}
    missing, seen = [], 0
    for declared in DECLARED:
        fn = public.get(declared.name)
        if declared.checks is None or fn is None:
            continue
        seen += 1
        if "validate" not in inspect.signature(fn).parameters:
            missing.append(declared.name)
    assert seen >= 20 and not missing, missing
    for name in ("self_information", "binary_entropy", "pointwise_mutual_information",
                 "gaussian_entropy", "gaussian_kl_divergence"):
        assert "validate" in inspect.signature(getattr(it, name)).parameters
    with pytest.raises(ValueError, match="^self_information: p has entries greater than 1"):
        it.self_information(1.5, validate=True)
    with pytest.raises(ValueError, match="^binary_entropy: p has negative entries"):
        it.binary_entropy(-0.5, validate=True)
    with pytest.raises(ValueError, match="^pointwise_mutual_information: p_xy does not sum"):
        it.pointwise_mutual_information([[0.5, 0.6], [0.0, 0.5]], validate=True)
