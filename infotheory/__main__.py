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

    if args.backend:
        try:
            name = conformance.load_backend(args.backend)
        except (ImportError, AttributeError, TypeError, ValueError) as e:
            print(f"infotheory crosscheck: error: --backend {args.backend}: "
                  f"{type(e).__name__}: {e}", file=sys.stderr)
            return 2
        from . import registered_backends

        backend = next(b for b in registered_backends() if name in
                       (b.name, *b.variants))
        backends = [backend.name, *backend.variants]
    else:
        backends = args.backends or conformance.installed_backends()
    if args.list:  # the kit's test ids, for INFOTHEORY_KNOWN_FAILURES patterns
        print("\n".join(conformance.case_ids(backends)))
        return 0
    out = None
    if args.json:  # before the run: a path that cannot be written is a usage error
        try:
            out = open(args.json, "w")
        except OSError as e:
            print(f"infotheory crosscheck: error: --json {args.json}: {e.strerror or e}",
                  file=sys.stderr)
            return 2
    results = list(conformance.run(backends, args.dtypes))
    results += list(conformance.run_agreement(backends, args.dtypes))
    rows = [("case", "backend", "dtype", "value", "expected", "deviation", "result")]
    for r in results:
        rows.append((r.case, r.backend, r.dtype, _fmt_value(r.value), _fmt_value(r.expected)
                     if "random" not in r.case else "scipy float64",
                     f"{r.deviation:.2e}", _verdict(r)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
    failed = [r for r in results if not r.passed]
    unsupported = [r for r in results if r.unsupported]
    declared = f"{len(unsupported)} unsupported (declared by the backend), " if unsupported \
        else ""
    print(f"\n{len(results) - len(failed) - len(unsupported)} passed, {declared}"
          f"{len(failed)} failed (backends: {', '.join(backends)}; dtypes: "
          f"{', '.join(args.dtypes)})")
    if out is not None:
        with out as f:
            json.dump({"backends": backends, "results": [r.as_dict() for r in results]}, f,
                      indent=1)
    return 1 if failed else 0


def _verdict(r) -> str:
    if r.unsupported:
        return "unsupported (declared)"
    return "pass" if r.passed else f"FAIL {r.error}".strip()


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
    which = c.add_mutually_exclusive_group()
    which.add_argument("--backends", nargs="+", choices=backend_names(),
                       help="default: all installed")
    which.add_argument("--backend", metavar="NAME|MODULE:CLASS",
                       help="one backend and its variants: a registered name (built-in or from "
                            "an infotheory.backends entry point) or a Backend subclass to "
                            "register, such as mypkg.backend:MyBackend (the conformance kit)")
    c.add_argument("--dtypes", nargs="+", choices=DTYPES, default=list(DTYPES))
    c.add_argument("--list", action="store_true",
                   help="print the conformance kit's test ids (what INFOTHEORY_KNOWN_FAILURES "
                        "patterns match) instead of running the cases")
    c.set_defaults(func=crosscheck)
    b = sub.add_parser("backends", help="list the installed backends and their versions")
    b.set_defaults(func=backends)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
