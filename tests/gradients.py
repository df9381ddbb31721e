"""Gradients through each autograd backend, and central finite differences, as NumPy."""
import numpy as np

from infotheory import testing as conformance


def value_and_grads(backend, f, args, wrt, dtype="float64"):
    """f(*args) summed to a scalar, and its gradients w.r.t. args[i] for i in ``wrt``."""
    fw = conformance.load_framework(backend)
    if backend == "torch":
        ts = [fw.tensor(np.asarray(a), dtype=getattr(fw, dtype) if np.asarray(a).dtype.kind == "f"
                        else None, requires_grad=i in wrt) for i, a in enumerate(args)]
        out = f(*ts).sum()
        out.backward()
        return float(out.detach()), [ts[i].grad.numpy() for i in wrt]
    if backend == "tensorflow":
        ts = [fw.Variable(np.asarray(a).astype(dtype)) if i in wrt else fw.constant(a)
              for i, a in enumerate(args)]
        with fw.GradientTape() as tape:
            out = fw.reduce_sum(f(*ts))
        gs = tape.gradient(out, [ts[i] for i in wrt])
        return float(out), [g.numpy() for g in gs]
    if backend == "mxnet":
        mx = fw
        ts = [conformance.to_native("mxnet", a, dtype) for a in args]
        for i in wrt:
            ts[i].attach_grad()
        # Backward of a 0-d result needs NumPy shape semantics (npx.set_np()): MXNet's rule.
        with mx.util.np_shape(True), mx.util.np_array(True):
            with mx.autograd.record():
                out = mx.np.sum(f(*ts))
            out.backward()
        return float(out.asnumpy()), [ts[i].grad.asnumpy() for i in wrt]
    if backend == "jax":  # jax.value_and_grad of the sum, with respect to the arguments in wrt
        ts = [conformance.to_native("jax", a, dtype) for a in args]

        def total(*diff):
            full = list(ts)
            for i, t in zip(wrt, diff):
                full[i] = t
            return fw.numpy.sum(f(*full))
        out, gs = fw.value_and_grad(total, argnums=tuple(range(len(wrt))))(
            *[ts[i] for i in wrt])
        return float(out), [np.asarray(g) for g in gs]
    raise ValueError(backend)


def numeric_grads(f_numpy, args, wrt, rel_step=1e-5):
    """Central differences of sum(f_numpy(*args)) in float64, with a step relative to each
    entry (small probabilities have large curvature)."""
    out = []
    for i in wrt:
        base = [np.array(a, dtype=np.float64) if np.asarray(a).dtype.kind == "f" else a
                for a in args]
        g = np.zeros_like(base[i])
        for idx in np.ndindex(g.shape):
            eps = rel_step * max(abs(base[i][idx]), 1e-3)
            hi = [a.copy() if isinstance(a, np.ndarray) else a for a in base]
            lo = [a.copy() if isinstance(a, np.ndarray) else a for a in base]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            g[idx] = (np.sum(f_numpy(*hi)) - np.sum(f_numpy(*lo))) / (2 * eps)
        out.append(g)
    return out
