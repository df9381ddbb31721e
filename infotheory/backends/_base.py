"""The backend interface: what one framework contributes to the library.

A backend knows one framework's tensors: how to recognize them (without importing the framework),
convert to and from them, and the elementwise and reduction primitives the measures are written
with (``log``, ``where``, ``sum``...). It holds no measure: the mathematics lives once, in
:mod:`infotheory.measures`, :mod:`infotheory.losses`, :mod:`infotheory._kernels` and
:mod:`infotheory.estimate`, over these primitives.

What a backend implements, by role:

- **required** (:data:`REQUIRED`, 19 methods): detection and conversion (``is_native``,
  ``version``, ``to_numpy``, ``float_tensor``, ``label_tensor``, ``dtype_kind``, ``shape``,
  ``upcast``, ``cast``, ``itemsize``) and the primitives of the measures and losses (``log``,
  ``exp``, ``where``, ``sum``, ``amax``, ``take_last``, ``expand_dims``, ``take``, ``mean``);
- **for** :mod:`infotheory.estimate` (:data:`ESTIMATOR`, 15 methods): counting, sorting and
  neighbour-search primitives; a backend without them runs everything else;
- **optional**, with generic defaults: ``log_softmax``, ``logsumexp``, ``expm1``, ``log1p``,
  ``softplus``, ``maximum``, ``nonnegative``, ``outside_unit``, ``finalize``, ``amin``,
  ``item``, ``digamma``, ``distances``, ``unique_inverse``, ``has_float64``, ``dim``,
  ``host_array`` (a CPU tensor's values for SciPy's k-d tree),
  ``is_float_native``, ``signature``, ``finish``, ``scope``, for graphs of unknown sizes
  ``check_leading_dims``, and for compilers ``compiling`` with ``guards_python``;
- **lazy backends** (``lazy = True``, as Dask): ``map_reduce`` instead of the counting
  primitives;
- **fused kernels**: ``fused = {"neg_sum_xlogx": frozenset()}`` and a ``fused_neg_sum_xlogx``
  method replace a block of :mod:`infotheory._kernels` (see :func:`infotheory._kernels.fusable`);
- **test adapters** (read only by :mod:`infotheory.testing`): ``from_numpy``,
  ``import_framework``, ``variants``, with defaults.

The tensor type itself must support Python's arithmetic (``+ - * / **``, unary ``-``,
``abs``) with tensors and numbers, comparisons giving boolean tensors and ``& | ~`` on them,
indexing with integers, slices and integer tensors, and a ``dtype`` attribute.
:mod:`infotheory.testing.skeleton` is a complete backend over a toy tensor type that shows each
of these and passes the conformance kit: start from it.

Size: one class, the whole interface a backend implements, in sections by role (about 500
lines, most of them the docstrings and generic defaults of the optional methods); split across
modules, a role would be missing from the page a backend's author reads.
"""
from __future__ import annotations

import contextlib
import math
import numbers
from typing import Any, FrozenSet, Mapping, Optional, Sequence, Tuple

from . import _tree

Axes = Optional[Tuple[int, ...]]  # normalized, non-negative axes; None means all

#: The methods every backend implements.
REQUIRED = ("is_native", "version", "to_numpy", "float_tensor", "label_tensor", "dtype_kind",
            "shape", "upcast", "cast", "itemsize", "log", "exp", "where", "sum", "amax",
            "take_last", "expand_dims", "take", "mean")
#: The methods :mod:`infotheory.estimate` needs besides (an eager backend's).
ESTIMATOR = ("to_float64", "bincount", "cumsum", "flatnonzero", "sorted_unique_inverse",
             "arange", "gammaln", "argsort", "searchsorted", "take_rows", "kth_smallest",
             "concat", "reshape", "diagonal", "eye")

#: A log-probability below the log of the smallest float64 subnormal (-745): exp gives 0. The
#: entropy of logits floors log-probabilities here so that 0 * log p is 0 with a gradient of 0.
LOG_ZERO = -1e4

#: How far above 1 a probability may be from rounding alone (a marginal summed in its own
#: dtype), per dtype size in bytes: 16 units in the last place of 1. Beyond it, the row of a
#: measure is NaN (:func:`infotheory._kernels.unit_rows`).
ROUNDING = {2: 2.0 ** -6, 4: 2.0 ** -19, 8: 2.0 ** -48}


def probability_high(itemsize: int) -> float:
    """The largest value of a dtype of ``itemsize`` bytes that still counts as a probability:
    1 + :data:`ROUNDING` (float32's for another size)."""
    return 1.0 + ROUNDING.get(itemsize, ROUNDING[4])


def host_read_error(message: str) -> RuntimeError:
    """The error for a value needed on the host where the framework has none to give (a graph
    traced by ``tf.function`` or ``jax.jit``: the estimators from data and validation read
    values). A plain ``RuntimeError`` (tf.function rewrites its own kinds of error, and wraps
    others), marked so that the call path adds the function's name."""
    e = RuntimeError(message)
    e.infotheory_host_read = True
    return e


class Backend:
    """One framework's conversion and primitives: what every measure is written over.

    A backend plays four roles, each a group of methods below:

    - **Detection** (``is_native``, ``module_name``, ``version``): does an object belong to this
      framework? Answered only when the framework is already imported, so dispatch never
      imports one.
    - **Conversion** (``float_tensor``, ``label_tensor``, ``dtype_kind``, ``shape``,
      ``upcast``, ``cast``, ``itemsize``, ``to_numpy``, ``from_numpy``): inputs in, results out,
      in the framework's own tensors (native in, native out).
    - **Primitives** (``log``, ``exp``, ``where``, ``sum``, ``amax``, ``take_last``,
      ``expand_dims``, ``take``, ``mean``; optional faster or exacter ones such as
      ``log_softmax``, ``logsumexp``, ``expm1``, ``log1p``, ``softplus``): the mathematics.
    - **Estimator primitives** (``to_float64``, ``bincount``, ``cumsum``, ``sorted_unique_inverse``,
      ``gammaln``, ``argsort``, ``searchsorted``, ...): what ``infotheory.estimate`` needs of
      an eager backend.

    The methods a backend must implement are ``REQUIRED`` (the measures and losses) and
    ``ESTIMATOR`` (the estimators) in this module; the others have generic defaults written over
    them. A backend may also replace a kernel with a fused op (``fused``) or declare a function
    ``unsupported``. Register one with :func:`infotheory.register_backend` or the
    ``infotheory.backends`` entry point, and check it with the conformance kit
    (``python -m infotheory crosscheck --backend MODULE:CLASS``); the guide for backend authors
    walks through one.
    """

    #: Short name, as shown by ``python -m infotheory backends`` and in error messages.
    name: str = "?"
    #: The top-level module a tensor of this backend comes from. Detection only looks at
    #: ``sys.modules[module_name]``, so it never imports the framework itself.
    module_name: str = "?"
    #: Installed distributions that provide the framework (the first found gives the version).
    distributions: Tuple[str, ...] = ()
    #: True when results are lazy (computed later, as Dask's): nothing may force a compute.
    lazy: bool = False
    #: The highest tensor rank this backend computes correctly (None: no limit).
    max_ndim: Optional[int] = None
    #: Other array kinds of this framework that the conformance runner feeds (``from_numpy``'s
    #: ``variant``), for example MXNet's legacy ``"mxnet.nd"`` arrays.
    variants: Tuple[str, ...] = ()
    #: Kernels of :mod:`infotheory._kernels` this backend replaces with a fused op, each with the
    #: options that fused op supports (an option it lacks sends the call to the generic kernel).
    #: The op is the method ``fused_<kernel>``; it may return ``NotImplemented`` to decline.
    fused: Mapping[str, FrozenSet[str]] = {}
    #: Public functions this backend cannot compute, each with the reason (for example
    #: ``{"estimate.differential_entropy": "no distributed neighbour search"}``). They raise
    #: ``NotImplementedError`` on it; the conformance kit reports them as declared, not failed.
    unsupported: Mapping[str, str] = {}

    # --- detection, metadata, conversion ----------------------------------------------
    def is_native(self, x: Any) -> bool:
        """True if ``x`` is a tensor of this framework (its module must already be imported)."""
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    def import_framework(self):
        """Import and return the framework's module (used by the conformance runner)."""
        import importlib

        return importlib.import_module(self.module_name)

    def from_numpy(self, a, variant: Optional[str] = None):
        """A native tensor holding a copy of the NumPy array ``a`` (same dtype): the test
        adapter of :mod:`infotheory.testing`. By default ``float_tensor`` (floating ``a``) or
        ``label_tensor`` (integer ``a``); replace it where those do not keep the dtype."""
        if a.dtype.kind == "f":
            return self.float_tensor(a.copy())
        return self.label_tensor(a.copy(), None)

    def to_numpy(self, x):
        """A NumPy copy of ``x`` (host copy: validation and tests only, never a measure)."""
        raise NotImplementedError

    def scope(self):
        """A context entered around every call (MXNet uses it for NumPy semantics)."""
        return contextlib.nullcontext()

    def float_tensor(self, x: Any, like: Any = None) -> Any:
        """``x`` as a native floating tensor. Native floating tensors pass unchanged, native
        integers become the framework's default float; NumPy arrays and Python values take the
        dtype and device of ``like`` when given, else the framework's default float."""
        raise NotImplementedError

    def is_float_native(self, x: Any) -> bool:
        """True for a native tensor with a floating dtype (the common, fast case)."""
        return self.is_native(x) and self.dtype_kind(x) == "f"

    def label_tensor(self, y: Any, like: Any) -> Any:
        """Integer class indices ``y`` as a native int64 tensor on ``like``'s device (the default
        device when ``like`` is None)."""
        raise NotImplementedError

    def dtype_kind(self, x: Any) -> str:
        """NumPy's dtype kind of a native tensor: 'f', 'i', 'u', 'b', 'c' or other."""
        raise NotImplementedError

    def shape(self, x: Any) -> Tuple[Optional[int], ...]:
        """Static shape; ``None`` (or NaN) for a dimension unknown at call time. Raises
        ``ValueError`` for an unknown rank."""
        raise NotImplementedError

    def signature(self, x: Any):
        """What the call checks read of a native tensor (hashable): dtype, static shape and
        anything else that changes how an input is converted (torch: the device). None when
        it cannot be told, or ``x`` is not a native tensor (the call then gets no memoized plan)."""
        if not self.is_native(x):
            return None
        try:
            return (type(x), x.dtype, tuple(self.shape(x)))
        except (ValueError, TypeError, AttributeError):
            return None

    #: False where inputs with a dimension unknown at call time cannot be combined (Dask: the
    #: chunks of two such arrays cannot be aligned); the call path then refuses them.
    pairs_unknown_sizes = True

    def refuses(self, x: Any) -> Optional[str]:
        """Why a native tensor cannot be computed on (a sparse layout, a quantized dtype...),
        as the end of a sentence naming the argument and what to do; None when it can. Asked
        on the conversion path only (never for a call whose plan is memoized)."""
        return None

    def device(self, x: Any) -> Any:
        """The device a native tensor lives on, for the check that floating inputs share one
        (None: the framework places them itself)."""
        return None

    def compiling(self) -> bool:
        """True while a compiler traces the call (``torch.compile``): the pipeline then keeps
        to plain code (no memoized plans). Must work before the framework is imported."""
        return False

    #: True if the framework's compiler traces Python and guards on every value it reads
    #: (torch.compile's Dynamo): the call path then asks ``compiling()`` before it reads any
    #: cache of the library, so that a cache filled later cannot fail a guard and recompile.
    guards_python = False

    def dim(self, x: Any, axis: int):
        """The size of one axis: a Python int when known, else a scalar integer tensor."""
        return self.shape(x)[axis]

    def upcast(self, *xs: Any) -> Tuple[list, Any]:
        """Cast floating tensors to one compute dtype: their common type, with float16 and
        bfloat16 raised to float32. Returns ``(tensors, output_dtype)``."""
        raise NotImplementedError

    def cast(self, x: Any, dtype: Any) -> Any:
        raise NotImplementedError

    def itemsize(self, x: Any) -> int:
        """Bytes per element of ``x``'s dtype (picks validation tolerances)."""
        raise NotImplementedError

    def finish(self, x: Any, *inputs: Any) -> Any:
        """Turn a computed result into what the caller gets back, given the caller's inputs."""
        return x

    # --- primitives ---------------------------------------------------------------------
    def log(self, x):
        raise NotImplementedError

    def exp(self, x):
        raise NotImplementedError

    def where(self, cond, a, b):
        """Elementwise select; ``a`` or ``b`` may be a Python number."""
        raise NotImplementedError

    def sum(self, x, axis: Axes, keepdims: bool = False):
        raise NotImplementedError

    def amax(self, x, axis: Axes, keepdims: bool = False):
        """Maximum over ``axis`` (NaN if any entry is NaN)."""
        raise NotImplementedError

    def log_softmax(self, x, axis: Axes):
        """Log-probabilities normalized over ``axis``: ``s - log(sum(exp(s)))`` with
        ``s = x - max(x)``. Exactly 0 for a point mass; a row with a NaN or +inf logit, or with
        every logit -inf, is NaN (as torch's and TensorFlow's kernels). A framework's own op may
        replace it only if it is as exact (MXNet's float32 ``npx.log_softmax`` is not)."""
        s = x - self.amax(x, axis, keepdims=True)
        return s - self.log(self.sum(self.exp(s), axis, keepdims=True))

    def logsumexp(self, x, axis: Axes):
        """``log(sum(exp(x)))`` over ``axis``, computed as ``m + log(sum(exp(x - m)))`` with
        ``m`` the maximum (-inf when every entry is -inf)."""
        m = self.amax(x, axis, keepdims=True)
        m = self.where(m > -math.inf, m, 0.0)
        return self.log(self.sum(self.exp(x - m), axis)) + self.sum(m, axis)

    def expm1(self, x):
        """``exp(x) - 1`` to a few ulps near 0, where ``exp(x) - 1`` cancels (Kahan's
        ``(u - 1) x / log u`` with ``u = exp(x)``; a framework's own op replaces it)."""
        u = self.exp(x)
        v = u - 1.0
        plain = (v == 0.0) | (v == -1.0) | (u == math.inf)  # (NaN goes through v x / log u)
        return self.where(v == 0.0, x, self.where(plain, v, v * (x / self.log(
            self.where(plain, 2.0, u)))))

    def log1p(self, x):
        """``log(1 + x)`` to a few ulps near 0, where ``1 + x`` rounds ``x`` away (Goldberg's
        ``log(u) x / (u - 1)`` with ``u = 1 + x``; a framework's own op replaces it)."""
        u = 1.0 + x
        v = u - 1.0
        return self.where(v == 0.0, x, self.log(u) * (x / self.where(
            (v == 0.0) | (u == math.inf), 1.0, v)))

    def maximum(self, x, value: float):
        """``max(x, value)`` elementwise for a Python number ``value`` (gradient 0 where
        ``value`` wins; NaN stays NaN)."""
        return self.where(x < value, value, x)

    def outside_unit(self, x, axis: Axes, keepdims: bool = False, high: float = 1.0):
        """True where ``x`` has an entry below 0, above ``high`` or NaN over ``axis`` (a
        probability that cannot be one: logits or counts passed as probabilities; a NaN away
        from the entry a loss reads). Every framework's max propagates NaN. ``axis`` is never an
        empty axis here."""
        top = self.amax(x, axis, keepdims)
        return (top > high) | (top != top) | (self.amin(x, axis, keepdims) < 0.0)

    def kl_rows_outside(self, p, q, axis: Axes):
        """KL's row checks (``_kernels.kl_of_probabilities``'), for a fused KL: True for a row
        where p has an entry above 1 or q one below 0, above 1 or NaN (a negative or NaN p
        makes the sum NaN already); None when p and q are both empty."""
        bad = None
        if 0 not in self.shape(p):
            bad = self.amax(p, axis) > probability_high(self.itemsize(p))
        if 0 not in self.shape(q):
            bad_q = ~(self.amax(q, axis) <= probability_high(self.itemsize(q))) \
                | (self.amin(q, axis) < 0.0)
            bad = bad_q if bad is None else bad | bad_q
        return bad

    def nonnegative(self, x):
        """``x`` with finite values below 0 set to 0 (NaN and -inf stay), on the gradient path."""
        return self.where((x < 0) & (x > -math.inf), 0.0, x)

    def finalize(self, r, log_base: Optional[float], nonnegative: bool, dtype):
        """The pipeline's last arithmetic on a result in nats: clamp at 0 (if ``nonnegative``),
        divide by ``log_base`` (unless None or 1), cast to ``dtype`` (unless None)."""
        if nonnegative:
            r = self.nonnegative(r)
        if log_base is not None and log_base != 1.0:
            r = r / log_base
        return r if dtype is None else self.cast(r, dtype)

    def take_last(self, x, idx):
        """``x[..., idx[...]]``: one entry of the last axis per leading index (``idx`` valid)."""
        raise NotImplementedError

    def expand_dims(self, x, axis: int):
        raise NotImplementedError

    def take(self, x, idx):
        """``x[idx]`` for a 1-D ``x`` (per-class weights) and integer ``idx`` of any shape."""
        raise NotImplementedError

    def softplus(self, x):
        """``log(1 + exp(x))`` as ``max(x, 0) + log(1 + exp(-|x|))``: finite for any finite x
        (the exponential is at most 1), +inf at +inf, 0 at -inf, NaN at NaN."""
        return self.where(x > 0, x, 0.0) + self.log(1.0 + self.exp(0.0 - abs(x)))

    def mean(self, x):
        """Mean over all elements, as a 0-d tensor (NaN for no elements)."""
        raise NotImplementedError

    # --- lazy backends ---------------------------------------------------------------
    def map_reduce(self, columns, chunk, merge, finish, shape, dtype):
        """Lazy backends (``lazy = True``) only: ``finish(merge(...merge(chunk(*blocks))))``
        over the aligned chunks of the 1-D ``columns`` (``chunk`` and ``merge`` get NumPy
        arrays and summaries; ``merge`` takes several summaries and may be applied in a tree),
        as a lazy tensor of ``shape`` and ``dtype``. The label estimators count through it
        (:mod:`infotheory.estimate._chunked`)."""
        raise NotImplementedError(f"the {self.name} backend is not lazy")

    # --- estimator primitives (infotheory.estimate) -------------------------------------
    # Counting, neighbour search and special functions. The data estimators read a few sizes
    # on the host (``item``: the number of distinct labels, a table's or a block's size, and
    # the k-NN duplicate check); measures, losses and the neural bounds never call ``item``
    # or ``to_numpy`` (``tests/sweeps/test_host_reads.py`` pins it).
    def item(self, x):
        """A 0-d tensor's value as a Python number (a host read: data estimators only)."""
        return self.to_numpy(x).item()

    def host_array(self, x) -> Optional[Any]:
        """``x``'s values as a NumPy array where ``x`` lives in host memory (a CPU tensor, in
        eager mode; without a copy where the framework allows), else None (a GPU's tensor, a
        graph's). A backend that has it and declares ``knn_distance`` and ``count_within`` in
        :attr:`fused` has its k-NN searches done by SciPy's k-d tree on the host."""
        return None

    def fused_knn_distance(self, x, ref, k, metric, exclude_self):
        return self._on_host(_tree.tree_knn_distance, x, x, ref, k, metric, exclude_self)

    def fused_count_within(self, x, radius, metric):
        return self._on_host(_tree.tree_count_within, x, x, radius, metric)

    def _on_host(self, kernel, like, *args):
        """``kernel`` over the host arrays of the tensors among ``args``, its result a floating
        tensor like ``like``; NotImplemented (the generic search) where a tensor is not on
        the host or the kernel declines."""
        hosts = []
        for a in args:
            if self.is_native(a):
                a = self.host_array(a)
                if a is None:
                    return NotImplemented
            hosts.append(a)
        out = kernel(*hosts)
        return out if out is NotImplemented else self.float_tensor(out, like)

    def has_float64(self) -> bool:
        """False where the framework computes no float64 now (JAX without ``jax_enable_x64``):
        the label estimators then compute their statistics on the host."""
        return True

    def to_float64(self, x):
        """``x`` cast to float64 (counts and label tables are computed in float64)."""
        raise NotImplementedError

    def bincount(self, x, length: int):
        """Counts (int64, shape ``(length,)``) of the values of a 1-D int64 ``x`` in [0, length)."""
        raise NotImplementedError

    def cumsum(self, x):
        """Running sum of a 1-D tensor (int64 for integer or boolean ``x``)."""
        raise NotImplementedError

    def flatnonzero(self, x):
        """int64 indices of the true entries of a 1-D boolean tensor."""
        raise NotImplementedError

    def sorted_unique_inverse(self, x):
        """``(values, inverse)`` of a 1-D int64 ``x``: its distinct values sorted ascending, and
        for each entry the index of its value (``values[inverse] == x``)."""
        raise NotImplementedError

    def label_table(self, columns):
        """Optional: the contingency table of 1-D int64 label ``columns`` (one length),
        flattened in C order, and its sizes, each axis the column's distinct values in sorted
        order (as ``estimate._common.flat_table`` counts them), in one pass over the labels;
        or ``NotImplemented`` (the default) for the generic ranks and ``bincount``."""
        return NotImplemented

    def unique_inverse(self, x, n: int):
        """As :meth:`sorted_unique_inverse`, in O(n) by counting when the values span a range
        no longer than about ``n`` (labels almost always do); by sorting otherwise."""
        lo, hi = self.item(self.amin(x, None)), self.item(self.amax(x, None))
        span = hi - lo + 1
        if span > max(4 * n, 1 << 16):
            return self.sorted_unique_inverse(x)
        shifted = x - lo if lo else x
        present = self.bincount(shifted, span) > 0
        rank = self.cumsum(present)  # rank[v - lo] - 1 = index of v among the present values
        values = self.flatnonzero(present) + lo
        if self.item(rank[span - 1]) == span:  # every value in the range occurs: no lookup
            return values, shifted
        return values, self.take(rank - 1, shifted)

    def check_leading_dims(self, a, b, message: str):
        """``a``, made to fail with ``message`` when its shape is not ``b``'s leading
        dimensions, in a graph whose dimensions are unknown when traced (an op that whatever
        uses ``a`` depends on; no host read). Frameworks whose shapes are always known return ``a``
        (the plan checked them)."""
        return a

    def amin(self, x, axis: Axes, keepdims: bool = False):
        """Minimum over ``axis``."""
        return 0 - self.amax(0 - x, axis, keepdims)

    def arange(self, n: int, like):
        """``0, 1, ..., n - 1`` with ``like``'s floating dtype and device."""
        raise NotImplementedError

    def gammaln(self, x):
        """``log |Gamma(x)|`` elementwise."""
        raise NotImplementedError

    def digamma(self, x):
        """The digamma function for ``x > 0``: ten steps of ``psi(x) = psi(x + 1) - 1 / x``,
        then the asymptotic series at ``x + 10`` (error below 1e-14 there)."""
        shift = 0.0
        for i in range(10):
            shift = shift + 1.0 / (x + float(i))
        y = x + 10.0
        r = 1.0 / (y * y)
        series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132)))))
        return self.log(y) - 0.5 / y - series - shift

    def argsort(self, x):
        """int64 indices that sort a 1-D tensor ascending."""
        raise NotImplementedError

    def searchsorted(self, sorted_x, v, side: str):
        """int64 insertion indices of ``v`` in the 1-D ascending ``sorted_x`` (``side``: "left"
        or "right", as NumPy's)."""
        raise NotImplementedError

    def take_rows(self, x, idx):
        """``x[idx]`` along axis 0 for an integer ``idx`` of any shape."""
        raise NotImplementedError

    def distances(self, a, b, metric: str):
        """Distances between the points (rows) of ``a`` (..., P, d) and ``b`` (..., Q, d):
        (..., P, Q); ``metric`` "euclidean" or "chebyshev" (max-norm). Computed from the
        coordinate differences (never from ``|a|^2 + |b|^2 - 2 a.b``, which cancels)."""
        diff = self.expand_dims(a, -2) - self.expand_dims(b, -3)
        last = (len(self.shape(diff)) - 1,)
        if metric == "chebyshev":
            return self.amax(abs(diff), last)
        return self.sum(diff * diff, last) ** 0.5

    def kth_smallest(self, x, k: int):
        """The k-th smallest entry (k >= 1) along the last axis."""
        raise NotImplementedError

    def concat(self, xs: Sequence[Any], axis: int = 0):
        """Concatenation along ``axis``."""
        raise NotImplementedError

    def reshape(self, x, shape: Tuple[int, ...]):
        raise NotImplementedError

    def diagonal(self, x):
        """The diagonal of the last two axes (a batch of square matrices)."""
        raise NotImplementedError

    def eye(self, n: int, like):
        """An ``(n, n)`` boolean identity matrix on ``like``'s device."""
        raise NotImplementedError


class NumpyDtypes:
    """``upcast``, ``cast`` and ``itemsize`` for arrays with NumPy dtypes and ``astype`` (JAX,
    Dask): a mix-in placed before :class:`Backend`."""

    def result_type(self, *xs):
        import numpy as np

        return np.result_type(*(x.dtype for x in xs))

    def upcast(self, *xs):
        out = xs[0].dtype if len(xs) == 1 else self.result_type(*xs)
        compute = "float32" if out.itemsize < 4 else out
        return [x if x.dtype == compute else x.astype(compute) for x in xs], out

    def cast(self, x, dtype):
        return x if x.dtype == dtype else x.astype(dtype)

    def itemsize(self, x):
        return x.dtype.itemsize


def normalize_axes(axis, ndim: int) -> Tuple[int, ...]:
    """Non-negative, sorted axes; raises ``ValueError``/``TypeError`` without naming the caller
    (the frontend adds that)."""
    if axis is None:
        return tuple(range(ndim))
    items: Sequence = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(f"axis must be an int, a tuple of ints or None, got {axis!r}")
        a = int(a)  # a NumPy integer too
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for an input with {ndim} dimension(s)")
        out.append(a % ndim)
    if not out:
        raise ValueError("axis must name at least one axis, got ()")
    if len(set(out)) != len(out):
        raise ValueError(f"axis {axis!r} repeats an axis")
    return tuple(sorted(out))

