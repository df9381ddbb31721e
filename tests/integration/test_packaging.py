"""The built wheel (not the editable install) holds every subpackage, the py.typed marker and
the license, and its crosscheck runs from a fresh virtual environment."""
import glob
import os
import re
import sysconfig
import venv
import zipfile

from tests.conftest import run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _fresh_env(tmp_path):
    """A fresh virtual environment with the built wheel unpacked into it: (python, site)."""
    wheels = tmp_path / "wheels"
    run_child(["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels,
               ROOT], timeout=300)
    (wheel,) = wheels.glob("infotheory-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {os.path.dirname(n) for n in names if n.endswith("__init__.py")}
    source = {os.path.relpath(d, ROOT) for d, _, files in os.walk(os.path.join(ROOT, "infotheory"))
              if "__init__.py" in files}
    assert packages == source, (packages, source)
    assert "infotheory/py.typed" in names
    assert any(n.endswith("LICENSE") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = run_child(["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     python=python, timeout=60).stdout.strip()
    with zipfile.ZipFile(wheel) as z:  # installing a pure wheel: unpack it into site-packages
        z.extractall(site)
    # numpy, scipy (the agreement check's reference) and pytest come from this environment,
    # which is appended after the fresh site-packages; no path leads to the source tree.
    with open(os.path.join(site, "_deps.pth"), "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    return python, site


def _run_in(python, args, cwd, **env):
    """``python ARGS`` with no path to the source tree and no kit settings of this process;
    the callers check the exit status (some expect 1)."""
    clear = dict.fromkeys(("PYTHONPATH", "INFOTHEORY_BACKEND", "INFOTHEORY_KNOWN_FAILURES"))
    return run_child(args, python=python, cwd=cwd, timeout=600, ok=None, env={**clear, **env})


def test_wheel_installs_and_runs_the_crosscheck(tmp_path):
    python, site = _fresh_env(tmp_path)
    code = ("import infotheory, sys; assert infotheory.__file__.startswith(sys.argv[1]), "
            "infotheory.__file__; from infotheory.__main__ import main; "
            "sys.exit(main(['crosscheck', '--backends', 'numpy']))")
    out = _run_in(python, ["-c", code, site], tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert " 0 failed" in out.stdout


_TOY_PACKAGE = '''
"""A third-party backend package: tensors that wrap a NumPy array."""
import numpy as np

from infotheory.backends.numpy import NumpyBackend


class Box:
    def __init__(self, data):
        self.data = np.asarray(data)


def _data(x):
    return x.data if isinstance(x, Box) else x


class BoxBackend(NumpyBackend):
    name = "box"
    module_name = "infotheory_box"
    distributions = ("infotheory-box",)
    fused = {}

    def is_native(self, x):
        return isinstance(x, Box)

    def version(self):
        return "0.1"

    def from_numpy(self, a, variant=None):
        return Box(np.array(a))

    def to_numpy(self, x):
        return np.asarray(_data(x))

    def dtype_kind(self, x):
        return np.asarray(_data(x)).dtype.kind

    def is_float_native(self, x):
        return False

    def float_tensor(self, x, like=None):
        return super().float_tensor(_data(x), like)

    def label_tensor(self, y, like):
        return super().label_tensor(_data(y), like)

    def shape(self, x):
        return super().shape(_data(x))

    def finish(self, x, *inputs):
        return Box(x)


class OffByOneBitBackend(BoxBackend):
    """A backend with a bug: its logarithm is off by ln 2 (every entropy gains one bit)."""
    name = "box-off"

    def log(self, x):
        return super().log(x) + np.log(2.0)
'''


def _toy_wheel(tmp_path):
    src = tmp_path / "toy_src"
    src.mkdir()
    (src / "infotheory_box.py").write_text(_TOY_PACKAGE)
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "infotheory-box"\nversion = "0.1"\ndependencies = ["infotheory"]\n'
        '[tool.setuptools]\npy-modules = ["infotheory_box"]\n'
        '[project.entry-points."infotheory.backends"]\nbox = "infotheory_box:BoxBackend"\n')
    run_child(["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
               tmp_path / "wheels", src], timeout=300)
    (wheel,) = (tmp_path / "wheels").glob("infotheory_box-*.whl")
    return wheel


def test_conformance_kit_checks_a_third_party_backend_package(tmp_path):
    """The kit as a backend author runs it: a package installed next to the wheel, found
    through its entry point (by name) or named as MODULE:CLASS; a broken backend fails, and
    its failures listed as known turn into strict xfails."""
    python, site = _fresh_env(tmp_path)
    with zipfile.ZipFile(_toy_wheel(tmp_path)) as z:
        z.extractall(site)

    out = _run_in(python, ["-m", "infotheory", "crosscheck", "--backend", "box"], tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " 0 failed (backends: box;" in out.stdout

    kit = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfX", "--pyargs",
           "infotheory.testing"]
    out = _run_in(python, kit, tmp_path, INFOTHEORY_BACKEND="box")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert re.search(r"^\d{2,} passed", out.stdout.splitlines()[-1]), out.stdout[-500:]

    broken = "infotheory_box:OffByOneBitBackend"
    out = _run_in(python, ["-m", "infotheory", "crosscheck", "--backend", broken], tmp_path)
    assert out.returncode == 1 and "FAIL" in out.stdout, out.stdout[-2000:]
    out = _run_in(python, kit, tmp_path, INFOTHEORY_BACKEND=broken)
    failed = re.findall(r"^FAILED \S+::\w+\[(.*?)\](?: - |$)", out.stdout, re.M)
    assert out.returncode == 1 and len(failed) >= 10, out.stdout[-3000:]
    assert any("entropy" in f for f in failed), failed
    known = ";".join(glob.escape(f) for f in failed)
    out = _run_in(python, kit, tmp_path, INFOTHEORY_BACKEND=broken,
                  INFOTHEORY_KNOWN_FAILURES=known)
    assert out.returncode == 0, out.stdout[-3000:]
    assert f"{len(failed)} xfailed" in out.stdout.splitlines()[-1], out.stdout[-500:]
    # a known failure that passes is reported (strict): the list cannot go stale
    out = _run_in(python, kit, tmp_path, INFOTHEORY_BACKEND="box",
                  INFOTHEORY_KNOWN_FAILURES="native/box/float64")
    assert out.returncode == 1 and "XPASS(strict)" in out.stdout, out.stdout[-2000:]
