"""What a metric declaration holds, and the checks of its options (run at construction by both
adapters, so a bad argument fails there, with our message, before any update)."""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from .. import _units
from ..estimate._chunked import MAX_TABLE_CELLS
from .._checks import check_flag
from ..estimate.clustering import _check_average, _check_beta


@dataclass(frozen=True)
class Option:
    """A constructor option: its default, its check (``check(metric_name, value)`` returns the
    value to keep or raises) and one line for the docstring."""
    name: str
    default: Any
    check: Callable[[str, Any], Any]
    doc: str


@dataclass(frozen=True)
class Spec:
    """One metric, written once for every framework.

    ``kind``: ``"mean"`` (states: a sum of per-row values in nats and their count) or
    ``"table"`` (states: a contingency table of label pairs, or the labels kept).
    ``inputs``: the torch update's arguments, in torchmetrics' order; ``keras_inputs(y_true,
    y_pred)`` gives them from Keras' ``update_state`` arguments.
    ``values(*inputs, **options)``: per-row values in nats and a boolean mask of the rows that
    count (None: all), for ``"mean"`` metrics. ``finish(B, mean_nats, **options)``: the value
    from the epoch's mean (``"mean"``), or ``statistic``: the name of the table statistic.
    ``unit``: the default unit (2: bits, ``math.e``: nats; None: unitless)."""
    name: str
    keras_name: str
    doc: str
    kind: str
    inputs: Tuple[str, ...]
    keras_inputs: Callable[[Any, Any], tuple]
    options: Tuple[Option, ...]
    unit: Optional[float]
    higher_is_better: Optional[bool]
    values: Optional[Callable] = None
    finish: Optional[Callable] = None
    statistic: Optional[str] = None
    relations: Optional[Callable[[str, Dict[str, Any]], None]] = None

    def example_options(self) -> str:
        """The options the docstrings' usage examples show."""
        if self.kind == "table":
            return "num_classes=10"
        names = {o.name for o in self.options}
        return "from_logits=True" if "ignore_index" in names else ""

    def refuse_positional(self, args) -> None:
        """Options are keyword-only (a generated ``__init__`` takes ``*args`` to say so)."""
        if args:
            raise TypeError(f"{self.name}: the options are keyword-only (for example "
                            f"{self.options[0].name}=...), got {len(args)} positional "
                            f"argument(s)")

    def checked(self, given: Dict[str, Any]) -> Dict[str, Any]:
        """The options with defaults filled in and each checked; an unknown name is a
        ``TypeError`` as for any Python call."""
        known = {o.name: o for o in self.options}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise TypeError(f"{self.name}: unexpected argument(s) {', '.join(unknown)}; it takes "
                            f"{', '.join(known) or 'no options'}")
        options = {name: o.check(self.name, given.get(name, o.default))
                   for name, o in known.items()}
        if self.relations is not None:  # checks of options against each other
            self.relations(self.name, options)
        return options


# --- checks of options -------------------------------------------------------------------
def flag(name: str):
    def check(fn, value):
        check_flag(fn, name, value)
        return value
    return check


def logits_of_divergence(fn, value):
    if value is not False and value is not True and value != "q":
        raise ValueError(f"{fn}: from_logits must be False, True (both inputs are logits) or "
                         f"'q' (only the predictions), got {value!r}")
    return value


def integer(name: str, optional: bool = False):
    def check(fn, value):
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            none = " or None" if optional else ""
            raise TypeError(f"{fn}: {name} must be an int{none}, got {value!r}")
        return int(value)
    return check


def base(fn, value):
    return _units._checked(fn, value)


def average(fn, value):
    _check_average(fn, value)
    return value


def num_classes(fn, value):
    """None, a positive int (both labelings) or a pair of them, in the order of the update's
    arguments; the table may hold at most ``MAX_TABLE_CELLS`` cells."""
    if value is None:
        return None
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    try:
        pair = tuple(pair)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(isinstance(k, numbers.Integral) and not isinstance(k, bool)
                                 and k >= 1 for k in pair):
        raise ValueError(f"{fn}: num_classes must be a positive int or a pair of them, got "
                         f"{value!r}")
    pair = (int(pair[0]), int(pair[1]))
    if pair[0] * pair[1] > MAX_TABLE_CELLS:
        raise ValueError(f"{fn}: num_classes={value!r} makes a table of {pair[0] * pair[1]} "
                         f"cells, more than the {MAX_TABLE_CELLS} a metric keeps; leave "
                         f"num_classes out to keep the labels instead")
    return pair


FROM_LOGITS = Option("from_logits", False, flag("from_logits"),
                     "the predictions are logits (a softmax is taken over the class axis)")
BASE = Option("base", None, base, "the unit's base (None: the default unit when the value "
              "is computed)")
AXIS = Option("axis", -1, integer("axis"), "the class axis")
IGNORE_INDEX = Option("ignore_index", None, integer("ignore_index", optional=True),
                      "a target class index whose rows are skipped (not counted)")
NUM_CLASSES = Option("num_classes", None, num_classes,
                     "classes of each labeling (an int, or a pair in the order of the update's "
                     "arguments): a fixed table, summed across processes; None keeps the "
                     "labels (torch only)")
AVERAGE = Option("average", "arithmetic", average,
                 "the mean of the two entropies: 'arithmetic', 'geometric', 'min' or 'max'")
BETA = Option("beta", 1.0, _check_beta, "the weight of completeness against homogeneity")
