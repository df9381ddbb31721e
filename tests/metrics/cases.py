"""One case per metric for the shared metric tester: options, three uneven batches of NumPy
inputs in torchmetrics' argument order, and an independent NumPy/SciPy/scikit-learn reference
on their concatenation (nats for the metrics with a unit). Read by tests/metrics/test_tester.py
and the subprocess workers (DDP, MirroredStrategy, save/load)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Tuple

import numpy as np
from scipy import special

LN2 = math.log(2)


@dataclass
class Case:
    options: Dict
    batches: List[Tuple[np.ndarray, ...]]   # torch order (see the Spec's inputs)
    reference: Callable                     # concatenated inputs -> value (nats if unit)
    low_precision: bool = True              # float inputs that float16/bfloat16 can hold
    keras_options: Dict = field(default_factory=dict)


def _softmax(z):
    return special.softmax(z, axis=-1)


def _ce(z, y, ignore=-100):
    keep = y != ignore
    logp = special.log_softmax(z, axis=-1)
    return float(-np.take_along_axis(logp[keep], y[keep][:, None], -1).mean())


def _kl(p, q):
    return float(special.rel_entr(p, q).sum(-1).mean())


def _jsd(p, q):
    m = (p + q) / 2
    return float((special.rel_entr(p, m).sum(-1) + special.rel_entr(q, m).sum(-1)).mean() / 2)


def _entropy(p):
    return float(special.entr(p).sum(-1).mean())


def _bald(s):  # (samples, batch, K) probabilities
    mean = s.mean(0)
    return float((special.entr(mean).sum(-1) - special.entr(s).sum(-1).mean(0)).mean())


def _concat(batches):
    return [np.concatenate(parts, axis=0) for parts in zip(*batches)]


def _sk(name):
    from sklearn import metrics as skm
    return {"mutual_information": skm.mutual_info_score,
            "normalized_mutual_information": skm.normalized_mutual_info_score,
            "adjusted_mutual_information": skm.adjusted_mutual_info_score,
            "homogeneity": skm.homogeneity_score, "completeness": skm.completeness_score,
            "v_measure": lambda t, p: skm.v_measure_score(t, p, beta=2.0)}[name]


def _cases() -> Dict[str, Case]:
    g = np.random.default_rng(0)
    sizes = (5, 11, 3)
    z = [g.normal(size=(n, 6)) * 2 for n in sizes]
    y = [g.integers(0, 6, n) for n in sizes]
    y[1][:2] = -100
    p = [_softmax(g.normal(size=(n, 6))) for n in sizes]
    q = [_softmax(g.normal(size=(n, 6))) for n in sizes]
    s = [_softmax(g.normal(size=(4, n, 6)) * 2) for n in sizes]
    t = [g.integers(0, 4, n * 5) for n in sizes]
    c = [(ti + g.integers(0, 2, ti.shape)) % 5 for ti in t]
    cases = {
        "CrossEntropy": Case(dict(from_logits=True, ignore_index=-100), list(zip(z, y)),
                             lambda z, y: _ce(z, y)),
        "Perplexity": Case(dict(from_logits=True, ignore_index=-100), list(zip(z, y)),
                           lambda z, y: math.exp(_ce(z, y))),
        "Entropy": Case({}, [(x,) for x in p], _entropy),
        "KLDivergence": Case({}, list(zip(p, q)), _kl),
        "JensenShannonDivergence": Case({}, list(zip(p, q)), _jsd),
        "BALD": Case({}, [(x,) for x in s], _bald),
    }
    labels = list(zip(c, t))  # (preds, target)
    for name, stat in (("MutualInformation", "mutual_information"),
                       ("NormalizedMutualInformation", "normalized_mutual_information"),
                       ("AdjustedMutualInformation", "adjusted_mutual_information"),
                       ("HomogeneityScore", "homogeneity"),
                       ("CompletenessScore", "completeness"),
                       ("VMeasureScore", "v_measure")):
        options = dict(num_classes=(5, 4))  # (preds' classes, target's): torch order
        if stat == "v_measure":
            options["beta"] = 2.0
        cases[name] = Case(options, labels, (lambda f: lambda preds, target: f(target, preds))(
            _sk(stat)), low_precision=False,
            keras_options={**options, "num_classes": (4, 5)})  # Keras: (y_true, y_pred)
    return cases


CASES = _cases()
UNITLESS = {"Perplexity", "NormalizedMutualInformation", "AdjustedMutualInformation",
            "HomogeneityScore", "CompletenessScore", "VMeasureScore"}
BITS = {"Entropy", "KLDivergence", "JensenShannonDivergence", "BALD", "MutualInformation"}


def concatenated(name):
    case = CASES[name]
    if name == "BALD":
        return [np.concatenate([b[0] for b in case.batches], axis=1)]
    return _concat(case.batches)


def expected(name, unit_base=None):
    """The reference on all batches, in the metric's default unit (or ``unit_base``)."""
    value = CASES[name].reference(*concatenated(name))
    if name in UNITLESS:
        return value
    base = unit_base or (2.0 if name in BITS else math.e)
    return value / math.log(base)


def keras_args(spec, torch_inputs):
    """Keras' (y_true, y_pred) from a batch in torch order."""
    by_name = {}
    for (arg, _), keras_name in zip(spec.inputs, spec.keras_inputs):
        by_name[keras_name] = torch_inputs[[a for a, _ in spec.inputs].index(arg)]
    return by_name.get("y_true"), by_name["y_pred"]
