"""The command line: python -m infotheory crosscheck | backends."""
import json
import os

import infotheory.__main__ as cli
from infotheory import testing as conformance
from tests.conftest import present_backends, require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_crosscheck_prints_the_full_table_and_json(tmp_path):
    present = present_backends()  # this environment's (CI: every one it can hold)
    path = tmp_path / "cc.json"
    out = run_child(["-m", "infotheory", "crosscheck", "--json", path], timeout=300)
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["case", "backend", "dtype"]
    for case in conformance.CASES:
        for b in present:
            assert any(l.startswith(case.name) and f" {b} " in l for l in lines), (case.name, b)
    assert " 0 failed" in lines[-1]
    data = json.loads(path.read_text())
    assert set(data["backends"]) == set(present)
    n_cases = sum(len(c.dtypes) for c in conformance.CASES) * len(present)
    n_random = len(conformance.random_inputs()) * 2 * len(present)
    assert len(data["results"]) == n_cases + n_random
    assert all(r["passed"] for r in data["results"])
    # only Dask declares functions unsupported (the k-NN and Gaussian estimators): each case
    # of them, in each of its dtypes
    unsupported = [r for r in data["results"] if r["unsupported"]]
    assert {r["backend"] for r in unsupported} == ({"dask"} if "dask" in present else set())
    if unsupported:
        from infotheory.backends.dask import DaskBackend
        want = sum(len(c.dtypes) for c in conformance.CASES
                   if c.measure in DaskBackend.unsupported)
        assert want >= 15  # 3 + 2 k-NN functions and 3 Gaussian ones, float32 and float64
        assert len(unsupported) == want
        assert f"{want} unsupported (declared by the backend)" in lines[-1]


def test_crosscheck_backend_option_registers_a_class_and_runs_only_it(capsys):
    from infotheory import _dispatch

    before = list(_dispatch._backends)
    try:
        rc = cli.main(["crosscheck", "--backend", "tests.toy_backend:BoxBackend"])
    finally:
        for b in list(_dispatch._backends):
            if b not in before:
                _dispatch.unregister_backend(b)
    out = capsys.readouterr().out
    assert rc == 0, out[-3000:]
    assert out.splitlines()[-1].endswith("0 failed (backends: box; dtypes: float32, float64)")
    rows = [l for l in out.splitlines()[1:-2] if l.strip()]
    assert rows and all(" box " in l for l in rows)


def test_crosscheck_exits_non_zero_on_disagreement(monkeypatch, capsys):
    wrong = conformance.Case("wrong on purpose", "entropy", ([0.5, 0.5],), 2.0, 1e-6)
    monkeypatch.setattr(conformance.cases, "CASES", [wrong])
    monkeypatch.setattr(conformance.cases, "random_inputs", lambda seed=0: {})
    rc = cli.main(["crosscheck", "--backends", "numpy"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "wrong on purpose" in out and "FAIL" in out and "0 passed, 2 failed" in out


def test_backends_command_lists_versions():
    out = run_child(["-m", "infotheory", "backends"], timeout=60)
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names[0] == "numpy"
    for b in ("torch", "tensorflow", "mxnet"):
        require(b)
        assert b in names


def test_an_unknown_backend_is_one_line_not_a_traceback():
    out = run_child(["-m", "infotheory", "crosscheck", "--backend", "torhc"], ok=(2,),
                    timeout=120)
    assert out.stderr.strip().splitlines() == [
        "infotheory crosscheck: error: --backend torhc: ValueError: unknown backend 'torhc'; "
        "known: " + ", ".join(conformance.backend_names())]


def test_list_prints_the_kits_test_ids_and_the_readme_patterns_match_them(tmp_path):
    """The backend guide's INFOTHEORY_KNOWN_FAILURES example matched no test id (ids were found only
    with --collect-only)."""
    import fnmatch
    import re

    out = run_child(["-m", "infotheory", "crosscheck", "--backend",
                     "infotheory.testing.skeleton:SkeletonBackend", "--list"], timeout=120)
    listed = out.stdout.split("\n")[:-1]
    env = {"INFOTHEORY_BACKEND": "infotheory.testing.skeleton:SkeletonBackend"}
    collected = run_child(["-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "--pyargs", "infotheory.testing"], env=env, cwd=tmp_path,
                          timeout=300).stdout
    ids = re.findall(r"\[(.*)\]$", collected, flags=re.M)
    assert ids == listed and len(ids) > 100
    guide = open(os.path.join(ROOT, "docs", "guides", "backend_authors.md")).read()
    example = re.search(r'INFOTHEORY_KNOWN_FAILURES="([^"]*)"', guide).group(1)
    for pattern in example.split(";"):
        mine = pattern.replace("mybackend", "skeleton")
        assert any(fnmatch.fnmatchcase(i, mine) for i in listed), pattern
