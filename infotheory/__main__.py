"""Command line: ``python -m infotheory crosscheck | backends`` (also the ``infotheory`` script)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional


def _fmt_value(v) -> str:
    if v is None:
        return "-"
    import numpy as np

    a = np.asarray(v, dtype=float).ravel()
    if a.size > 4:
        return f"[{a.size} values]"
    return ", ".join(f"{x:.7g}" for x in a)


def crosscheck(args) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from . import testing as conformance

    backends = args.backends or conformance.installed_backends()
    results = list(conformance.run(backends, args.dtypes))
    results += list(conformance.run_agreement(backends, args.dtypes))
    rows = [("case", "backend", "dtype", "value", "expected", "deviation", "result")]
    for r in results:
        rows.append((r.case, r.backend, r.dtype, _fmt_value(r.value), _fmt_value(r.expected)
                     if "random" not in r.case else "scipy float64",
                     f"{r.deviation:.2e}", "pass" if r.passed else f"FAIL {r.error}".strip()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
    failed = [r for r in results if not r.passed]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed "
          f"(backends: {', '.join(backends)}; dtypes: {', '.join(args.dtypes)})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"backends": backends, "results": [r.as_dict() for r in results]}, f,
                      indent=1)
    return 1 if failed else 0


def backends(args) -> int:
    from . import available_backends

    for name, version in available_backends().items():
        print(f"{name:12s} {version}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    from .testing import DTYPES, backend_names

    parser = argparse.ArgumentParser(prog="infotheory", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("crosscheck", help="run the conformance cases on every installed backend")
    c.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    c.add_argument("--backends", nargs="+", choices=backend_names(), help="default: all installed")
    c.add_argument("--dtypes", nargs="+", choices=DTYPES, default=list(DTYPES))
    c.set_defaults(func=crosscheck)
    b = sub.add_parser("backends", help="list the installed backends and their versions")
    b.set_defaults(func=backends)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
