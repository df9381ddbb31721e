"""Plans (``_frontend.Function``): a call with the signature of an earlier one reuses its plan
and skips the free checks that passed for it. A stale or wrongly shared plan would be a silent
wrong answer, so each way two calls can differ is checked to give what a fresh call gives."""
import math
import threading

import numpy as np
import pytest

import infotheory as it
from infotheory import _frontend
from tests.conftest import native, require, to_np

RNG = np.random.default_rng(23)


def fresh(f, *args, **kwargs):
    """f computed without any plan made before."""
    saved = dict(_frontend._PLANS)
    _frontend._PLANS.clear()
    try:
        return to_np(f(*args, **kwargs))
    finally:
        _frontend._PLANS.clear()
        _frontend._PLANS.update(saved)


def test_a_repeated_call_reuses_its_plan_and_uses_the_new_values(backend):
    _frontend._PLANS.clear()
    for _ in range(3):
        p = RNG.dirichlet(np.ones(5), size=4)
        got = to_np(it.entropy(native(backend, p)))
        np.testing.assert_allclose(got, fresh(it.entropy, p), rtol=1e-12)
    (plan,) = _frontend._PLANS.values()
    # legacy MXNet arrays are converted on every call; the others go to the math as given
    assert plan.direct == (backend != "mxnet.nd")


@pytest.mark.parametrize("change", ["shape", "dtype", "option", "kwarg type", "an input"])
def test_calls_that_differ_do_not_share_a_plan(backend, change):
    z = RNG.normal(size=(4, 6))
    y = RNG.integers(0, 6, 4)
    it.cross_entropy(native(backend, z), native(backend, y), from_logits=True)
    it.cross_entropy(native(backend, z), native(backend, y), from_logits=True)
    if change == "shape":
        z2 = RNG.normal(size=(4, 3))
        y2 = RNG.integers(0, 3, 4)
        got = it.cross_entropy(native(backend, z2), native(backend, y2), from_logits=True)
        want = fresh(it.cross_entropy, z2, y2, from_logits=True)
    elif change == "dtype":
        got = it.cross_entropy(native(backend, z, "float32"), native(backend, y),
                               from_logits=True)
        want = fresh(it.cross_entropy, z.astype(np.float32), y, from_logits=True)
        if backend != "mxnet.nd":
            assert "float32" in str(got.dtype)
    elif change == "option":
        got = it.cross_entropy(native(backend, z), native(backend, y), from_logits=True,
                               label_smoothing=0.2)
        want = fresh(it.cross_entropy, z, y, from_logits=True, label_smoothing=0.2)
    elif change == "kwarg type":  # 0 and 0.0 are equal keys without their types
        got = it.cross_entropy(native(backend, z), native(backend, y), from_logits=True,
                               label_smoothing=0)
        want = fresh(it.cross_entropy, z, y, from_logits=True, label_smoothing=0)
    else:  # probability targets instead of labels: the dtype decides the reading
        t = RNG.dirichlet(np.ones(6), size=4)
        got = it.cross_entropy(native(backend, z), native(backend, t), from_logits=True)
        want = fresh(it.cross_entropy, z, t, from_logits=True)
    # float32: two implementations (the backend's and NumPy's) may differ by a few ulps
    np.testing.assert_allclose(to_np(got), want, rtol=1e-5 if change == "dtype" else 1e-6)


def test_checks_still_run_for_a_new_signature_and_with_validation(backend):
    p = np.array([[0.5, 0.5], [0.2, 0.8]])
    it.entropy(native(backend, p))
    it.entropy(native(backend, p))
    with pytest.raises(ValueError, match="does not sum to 1"):  # same signature, validating
        it.entropy(native(backend, np.array([[0.5, 0.6], [0.2, 0.8]])), validate=True)
    with it.validation():
        with pytest.raises(ValueError, match="does not sum to 1"):
            it.entropy(native(backend, np.array([[0.5, 0.6], [0.2, 0.8]])))
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        it.entropy(native(backend, p), axis=2)
    with pytest.raises(TypeError, match="axis must be an int"):
        it.entropy(native(backend, p), axis=True)  # equal to 1 as a key without its type


def test_lists_and_arrays_joining_another_input_are_never_keyed():
    _frontend._PLANS.clear()
    for _ in range(3):
        assert float(it.entropy([0.5, 0.5])) == 1.0
        it.kl_divergence(np.array([0.5, 0.5]), [0.25, 0.75])  # a list joins the array
    assert not _frontend._PLANS


def test_torch_devices_grad_and_compile():
    torch = require("torch")
    z = torch.randn(8, 5, dtype=torch.float64, requires_grad=True)
    y = torch.randint(0, 5, (8,))
    for _ in range(3):
        loss = it.cross_entropy(z, y, from_logits=True)
        loss.backward()
    torch.testing.assert_close(z.grad, 3 * torch.autograd.grad(
        torch.nn.functional.cross_entropy(z, y), z)[0])
    compiled = torch.compile(lambda a, b: it.cross_entropy(a, b, from_logits=True))
    torch.testing.assert_close(compiled(z, y), torch.nn.functional.cross_entropy(z, y))


def test_threads_record_their_own_calls():
    errors = []

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            for _ in range(200):
                n = int(rng.integers(2, 6))
                p = rng.dirichlet(np.ones(n), size=3)
                got = it.entropy(p, base=math.e)
                want = -(p * np.log(p)).sum(-1)
                if not np.allclose(got, want, rtol=1e-12):
                    errors.append((seed, n))
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_plans_stay_bounded():
    _frontend._PLANS.clear()
    for n in range(2, 40):
        it.entropy(np.full((1, n), 1.0 / n))
    assert 0 < len(_frontend._PLANS) <= _frontend.MAX_PLANS
    _frontend._PLANS.update({("filler", i): None for i in range(_frontend.MAX_PLANS)})
    it.entropy(np.full((1, 41), 1.0 / 41))  # a miss with a full memo clears it first
    assert len(_frontend._PLANS) == 1


def test_numpy_scalar_arguments_are_keyed_by_value():
    """A NumPy scalar is a NumPy array to the dispatcher, but as a base its value matters: the
    first version of this cache keyed it by dtype only and replayed base 4 for base 2."""
    p = np.array([0.5, 0.5])
    got = [float(it.entropy(p, base=np.float32(b))) for b in (2, 4, 4, 2, 2, 4)]
    assert got == [1.0, 0.5, 0.5, 1.0, 1.0, 0.5]


def test_options_are_keyed_by_value_and_type():
    """An option is part of a plan's key by value and type: ``scale=2`` and ``scale=2.0`` (equal
    as keys without their types) and each new value get their own plan."""
    f = _frontend.Function("scaled_sum", [_frontend.Input("p")],
                           lambda B, p, scale: B.sum(p, None) * scale,
                           plan=lambda c: {"scale": c.options["scale"] * 1.0
                                           if type(c.options["scale"]) is int else c.options["scale"] * 2})
    p = np.array([0.25, 0.75])
    got = [float(f(p, scale=k)) for k in (1.0, 2.0, 2, 3.0, 3.0, 1.0, 2)]
    assert got == [2.0, 4.0, 2.0, 6.0, 6.0, 2.0, 2.0]


def test_registering_or_unregistering_a_backend_drops_every_plan(backend):
    """The stale-plan bug of the recording cache: after a backend registered first for these
    tensors, a repeated call must answer with it; once it is unregistered, not any more."""
    x = native(backend, np.array([[0.5, 0.5], [0.25, 0.75]]))
    B = it.backend_of(x)
    calls = []

    class Spy(type(B)):
        name = "spy"

        def finish(self, r, *inputs):
            calls.append(1)
            return super().finish(r, *inputs)

    want = to_np(it.entropy(x))
    to_np(it.entropy(x))  # planned
    spy = it.register_backend(Spy(), first=True)
    try:
        np.testing.assert_allclose(to_np(it.entropy(x)), want, rtol=1e-12)
        np.testing.assert_allclose(to_np(it.entropy(x)), want, rtol=1e-12)
        assert len(calls) == 2
    finally:
        it.unregister_backend(spy)
    np.testing.assert_allclose(to_np(it.entropy(x)), want, rtol=1e-12)
    assert len(calls) == 2
    assert it.backend_of(x) is B


@pytest.mark.parametrize("options", [{}, {"ignore_index": 2, "label_smoothing": 0.1},
                                     {"reduction": "none"}, {"weight": "w"}])
def test_cross_entropy_plans_agree_with_torch(options):
    """A planned cross-entropy of logits and labels takes its tensors as given (``direct``) to
    the kernel its plan chose; every call equals F.cross_entropy, values and gradients, with new
    tensors each time."""
    from infotheory import _kernels as K

    torch = require("torch")
    F = torch.nn.functional
    _frontend._PLANS.clear()
    weight = torch.tensor(RNG.uniform(0.5, 2.0, 5))
    opts = {k: (weight if v == "w" else v) for k, v in options.items()}
    for _ in range(4):
        z = torch.tensor(RNG.normal(size=(6, 5)), requires_grad=True)
        y = torch.tensor(RNG.integers(0, 5, 6))
        got = it.cross_entropy(z, y, from_logits=True, **opts)
        (gz,) = torch.autograd.grad(got.sum(), z)
        ref = F.cross_entropy(z, y, **opts)
        (rz,) = torch.autograd.grad(ref.sum(), z)
        torch.testing.assert_close(got, ref, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(gz, rz, rtol=1e-12, atol=1e-12)
    (plan,) = _frontend._PLANS.values()
    assert plan.direct and plan.math is K.cross_entropy_labels


def test_an_option_that_is_an_array_or_tensor_is_not_keyed_by_identity():
    """multiplets given as a torch tensor and changed in place: the second call uses the new
    indices (a plan keyed by the tensor's identity would replay the old ones)."""
    torch = require("torch")
    from infotheory.estimate import o_information_gaussian
    x = torch.tensor(RNG.normal(size=(200, 4)) @ RNG.normal(size=(4, 4)))
    multiplets = torch.tensor([[0, 1, 2]])
    o_information_gaussian(x, multiplets=multiplets)
    multiplets[0, 2] = 3  # in place
    got = to_np(o_information_gaussian(x, multiplets=multiplets))
    want = fresh(o_information_gaussian, x.numpy(), multiplets=np.array([[0, 1, 3]]))
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert not any(isinstance(v, torch.Tensor) for key in _frontend._PLANS for v in key[4])


@pytest.mark.parametrize("bad", [(0.0, 1.0), (False, True)])
def test_a_tuple_option_equal_to_a_planned_one_is_still_checked(bad):
    """(0, 1) == (0.0, 1.0) == (False, True): a plan keyed by the tuple alone let the float or
    bool axes of a later call through, unchecked."""
    xor = np.zeros((2, 2, 2))
    for x in (0, 1):
        for y in (0, 1):
            xor[x, y, x ^ y] = 0.25
    it.total_correlation(xor, axis=(0, 1))
    with pytest.raises(TypeError, match="total_correlation: axis must be an int"):
        it.total_correlation(xor, axis=bad)
    p = np.full((3, 4), 0.25)
    it.entropy(p, axis=(1,))
    with pytest.raises(TypeError, match="entropy: axis must be an int"):
        it.entropy(p, axis=tuple(type(v)(1) for v in bad[:1]))
