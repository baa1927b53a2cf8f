"""Rebuild the Binder environment from binder/ alone and run the course in it.

This does what repo2docker does with this repository, without Docker: a new
virtual environment of the Python that binder/runtime.txt names,
``pip install -r binder/requirements.txt``, then binder/postBuild run from
(a copy of) the repository root with that environment first on PATH. Nothing
comes from the developer's .venv. Then, on top and constrained by the pins,
only the test tooling (pytest, nbval), and every notebook runs under nbval
(strict: outputs compared) in that environment, and JupyterLab there must have
the ipywidgets front-end extension, without which no explorer shows.

pip's cache is used, so a re-run is mostly copying wheels. Slow all the same:
run it with ``pytest -m binder -s`` to see the time of each phase.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - pytest itself depends on tomli before 3.11
    import tomli as tomllib

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
TEST_TOOLS = ("pytest", "nbval")  # not course dependencies: installed on top
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
# What repo2docker would see if the repository is not a git checkout.
FALLBACK_FILES = (
    *("pyproject.toml", "README.md", "calclearn", "notebooks", "binder"),
    "tests/sanitize.cfg",
)

# Seconds allowed per phase; generous, for a cold pip cache on a slow network.
TIMEOUTS = {
    "venv": 300,
    "requirements": 1800,
    "postBuild": 900,
    "test tools": 900,
    "pip check": 300,
    "labextension list": 300,
    "kernelspec list": 300,
    "nbval": 2400,
}


def runtime_version() -> str:
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"binder/runtime.txt: expected python-X.Y, got {text!r}"
    return match.group(1)


def base_python(version: str) -> str:
    """A Python interpreter of ``version`` (X.Y) to make the environment from."""
    if "{}.{}".format(*sys.version_info[:2]) == version:
        # The interpreter under this one's virtual environment, if any.
        return getattr(sys, "_base_executable", sys.executable)
    found = shutil.which(f"python{version}")
    if found is None:
        pytest.fail(
            f"binder/runtime.txt asks for Python {version}, which this machine "
            f"does not have (no python{version} on PATH)"
        )
    return found


def repository_files() -> list[Path]:
    """The files repo2docker would get: tracked, or untracked and not ignored."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):  # no git, or not a checkout
        files = []
        for name in FALLBACK_FILES:
            path = ROOT / name
            found = sorted(path.rglob("*")) if path.is_dir() else [path]
            files += [f for f in found if f.is_file() and "__pycache__" not in f.parts]
        return files
    names = [name for name in listed.stdout.decode().split("\0") if name]
    return [ROOT / name for name in names if (ROOT / name).is_file()]


def copy_repository(destination: Path) -> None:
    for path in repository_files():
        target = destination / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)  # keeps postBuild's executable bit


class Phases:
    """Runs the build's commands, timing and logging each."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.seconds: dict[str, float] = {}

    def run(
        self, phase: str, command: list[str], cwd: Path, check: bool = True
    ) -> subprocess.CompletedProcess:
        print(f"\n[binder] {phase}: {' '.join(map(str, command))}", flush=True)
        start = time.perf_counter()
        # Its own process group, so that a timeout also ends what it started
        # (pip's build backend, nbval's kernels).
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUTS[phase])
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            self.seconds[phase] = self.seconds.get(phase, 0.0) + TIMEOUTS[phase]
            pytest.fail(f"binder rebuild: {phase} took over {TIMEOUTS[phase]} s")
        result = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
        seconds = time.perf_counter() - start
        self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds
        print(f"[binder] {phase}: {seconds:.1f} s, exit {result.returncode}")
        with self.log.open("a") as log:
            log.write(f"$ {' '.join(map(str, command))}  # {phase}\n")
            log.write(result.stdout + result.stderr + "\n")
        if check and result.returncode != 0:
            pytest.fail(
                f"binder rebuild: {phase} failed (exit {result.returncode}); "
                f"log: {self.log}\n{tail(result.stdout + result.stderr)}",
                pytrace=False,
            )
        return result

    def summary(self) -> str:
        lines = [f"  {phase:<18} {s:7.1f} s" for phase, s in self.seconds.items()]
        total = sum(self.seconds.values())
        return "\n".join(
            ["[binder] time per phase:", *lines, f"  {'total':<18} {total:7.1f} s"]
        )


def tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def isolated_environment(venv: Path, home: Path) -> dict[str, str]:
    """The environment a command gets: the new venv first, nothing of another.

    The developer's virtual environment is taken off PATH, and Jupyter's and
    IPython's per-user folders point into the build, so that no kernel spec
    or lab extension installed for the developer can stand in for Binder's.
    pip's own settings and cache are left as they are.
    """
    env = dict(os.environ)
    for name in list(env):
        if name in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}:
            del env[name]
        elif name.startswith(("JUPYTER", "CONDA_", "PYTEST_")):
            del env[name]
    others = {
        Path(sys.prefix).resolve(),
        Path(os.environ.get("VIRTUAL_ENV", "/")).resolve(),
    }
    path = [
        entry
        for entry in env.get("PATH", "").split(os.pathsep)
        if entry and Path(entry).resolve().parent not in others - {Path("/")}
    ]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["VIRTUAL_ENV"] = str(venv)
    env["JUPYTER_CONFIG_DIR"] = str(home / "jupyter-config")
    env["JUPYTER_DATA_DIR"] = str(home / "jupyter-data")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "jupyter-runtime")
    env["IPYTHONDIR"] = str(home / "ipython")
    env["MPLCONFIGDIR"] = str(home / "matplotlib")
    # No MPLBACKEND: ipykernel picks the inline backend only when it is unset.
    env.pop("MPLBACKEND", None)
    return env


def tool_requirements() -> list[str]:
    """pytest and nbval, with the version ranges of pyproject's test extra."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        extras = tomllib.load(file)["project"].get("optional-dependencies", {})
    wanted = []
    for tool in TEST_TOOLS:
        ranges = [
            text
            for text in extras.get("test", [])
            if re.match(rf"{tool}\b(?![-_.\w])", text, re.IGNORECASE)
        ]
        wanted.append(ranges[0] if ranges else tool)
    return wanted


def notebooks(repository: Path) -> list[Path]:
    return sorted(
        path.relative_to(repository)
        for path in (repository / "notebooks").glob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


def extension_lines(listing: str, venv: Path) -> list[str]:
    """The lines of `jupyter labextension list` for the widgets extension
    found in ``venv``'s own extension folder."""
    found, in_venv = [], False
    listing = re.sub(r"\x1b\[[0-9;]*m", "", listing)  # it colours enabled/OK
    for line in listing.splitlines():
        stripped = line.strip()
        if stripped.startswith("/"):  # a folder heading
            in_venv = Path(stripped).resolve().is_relative_to(venv.resolve())
        elif in_venv and stripped.startswith(WIDGETS_EXTENSION + " "):
            found.append(stripped)
    return found


def test_binder_environment_rebuilds_and_runs_every_notebook(tmp_path):
    version = runtime_version()
    python = base_python(version)
    repository, venv, home = tmp_path / "repo", tmp_path / "venv", tmp_path / "home"
    copy_repository(repository)
    home.mkdir()
    env = isolated_environment(venv, home)
    phases = Phases(env, tmp_path / "build.log")
    bin_ = venv / "bin"
    try:
        # 1. The environment, as repo2docker makes one for binder/runtime.txt.
        phases.run("venv", [python, "-m", "venv", venv], repository)
        reported = phases.run(
            "venv",
            [bin_ / "python", "-c", "import sys; print(sys.version)"],
            repository,
        ).stdout
        assert reported.startswith(version + "."), (
            f"the new environment runs Python {reported.strip()}, not {version}"
        )
        # 2. The pins, and nothing else.
        phases.run(
            "requirements",
            [bin_ / "python", "-m", "pip", "install", "-r", "binder/requirements.txt"],
            repository,
        )
        # 3. postBuild, from the repository root, the new environment first on PATH.
        postbuild = repository / "binder" / "postBuild"
        assert os.access(postbuild, os.X_OK), "binder/postBuild is not executable"
        phases.run("postBuild", [postbuild], repository)
        shown = phases.run(
            "postBuild",
            [bin_ / "python", "-c", "import calclearn; print(calclearn.__file__)"],
            tmp_path,  # not the copy: the installed package, not the source tree
        ).stdout.strip()
        assert Path(shown).resolve().is_relative_to(venv.resolve()), (
            f"calclearn imports from {shown}, not from the new environment"
        )
        # The pins are a consistent set: what pip install -r left is coherent.
        phases.run("pip check", [bin_ / "python", "-m", "pip", "check"], repository)
        # 4. The widgets front end is in that JupyterLab, enabled and OK.
        listing = phases.run(
            "labextension list", [bin_ / "jupyter", "labextension", "list"], repository
        )
        text = listing.stdout + listing.stderr  # some versions print to stderr
        lines = extension_lines(text, venv)
        assert lines, (
            f"{WIDGETS_EXTENSION} is not installed in the Binder environment's "
            f"JupyterLab; `jupyter labextension list` says:\n{text}"
        )
        assert any(
            re.search(r"\benabled\b", line) and re.search(r"\bOK\b", line)
            for line in lines
        ), f"{WIDGETS_EXTENSION} is not enabled and OK: {lines}"
        # 5. Test tooling on top, without moving any pin.
        phases.run(
            "test tools",
            [
                *(bin_ / "python", "-m", "pip", "install"),
                *("-c", "binder/requirements.txt", *tool_requirements()),
            ],
            repository,
        )
        phases.run("pip check", [bin_ / "python", "-m", "pip", "check"], repository)
        # The kernel that nbval starts must be this environment's.
        specs = json.loads(
            phases.run(
                "kernelspec list",
                [bin_ / "jupyter", "kernelspec", "list", "--json"],
                repository,
            ).stdout
        )["kernelspecs"]
        assert "python3" in specs, f"no python3 kernel in the new environment: {specs}"
        assert (
            Path(specs["python3"]["resource_dir"])
            .resolve()
            .is_relative_to(venv.resolve())
        ), f"the python3 kernel comes from outside the environment: {specs['python3']}"
        # 6. Every notebook, strict, in that environment.
        found = notebooks(repository)
        assert found, "no notebooks to run"
        command = [
            *(bin_ / "python", "-m", "pytest", "-p", "no:cacheprovider"),
            *("--nbval", "--nbval-current-env", "-q"),
        ]
        if (repository / "tests" / "sanitize.cfg").exists():
            command += ["--nbval-sanitize-with", "tests/sanitize.cfg"]
        result = phases.run("nbval", [*command, *found], repository, check=False)
        assert result.returncode == 0, (
            "the notebooks fail under nbval in the rebuilt Binder environment:\n"
            + tail(result.stdout + result.stderr, 120)
        )
        assert re.search(r"\b\d+ passed\b", result.stdout), tail(result.stdout)
        print(tail(result.stdout, 3))
    finally:
        print(phases.summary(), flush=True)
