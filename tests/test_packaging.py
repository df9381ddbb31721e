"""The built wheel (not the editable install) holds every subpackage, the py.typed marker and
the license, and its crosscheck runs from a fresh virtual environment."""
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_wheel_installs_and_runs_the_crosscheck(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(wheels), ROOT],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("infotheory-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {os.path.dirname(n) for n in names if n.endswith("__init__.py")}
    source = {os.path.relpath(d, ROOT) for d, _, files in os.walk(os.path.join(ROOT, "infotheory"))
              if "__init__.py" in files}
    assert packages == source, (packages, source)
    assert "infotheory/py.typed" in names
    assert any(n.endswith("LICENSE") for n in names)

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True).stdout.strip()
    with zipfile.ZipFile(wheel) as z:  # installing a pure wheel: unpack it into site-packages
        z.extractall(site)
    # numpy and scipy (the reference of the agreement check) come from this environment, which
    # is appended after the fresh site-packages; no path leads to the source tree.
    with open(os.path.join(site, "_deps.pth"), "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    code = ("import infotheory, sys; assert infotheory.__file__.startswith(sys.argv[1]), "
            "infotheory.__file__; from infotheory.__main__ import main; "
            "sys.exit(main(['crosscheck', '--backends', 'numpy']))")
    out = subprocess.run([str(python), "-c", code, site], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300, env={k: v for k, v in os.environ.items()
                                                         if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert " 0 failed" in out.stdout
