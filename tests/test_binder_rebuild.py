"""Rebuild the Binder environment from binder/ alone and run the course in it.

This does what repo2docker does with this repository, without Docker: a new
virtual environment of the Python that binder/runtime.txt names, holding
repo2docker's own server environment first (JupyterLab, Notebook, JupyterHub's
single-user server ...: tests/repo2docker-server.txt, at the versions of
repo2docker's lock for that Python), then ``pip install -r
binder/requirements.txt`` on top of it, as repo2docker does, then binder/postBuild
run from (a copy of) the repository root with that environment first on PATH.
Nothing comes from the developer's .venv. The result must be consistent
(``pip check``, and no conflict reported by pip while installing), hold every
locked version, and have pulled in nothing that the lock does not name. Then,
on top, only the test tooling (pytest, nbval), and every notebook runs under
nbval (strict: outputs compared) in that environment, and JupyterLab there
must have the ipywidgets front-end extension, without which no explorer shows.

A second test checks that binder/requirements.txt is what the uv command in its
header resolves (so that the lock is complete and follows pyproject.toml and
binder/requirements.in).

binder/runtime.txt's Python need not be the one running the tests: it is taken
from PATH or from pyenv's versions (the CI machine has pyenv's 3.12 and 3.13
beside its 3.11), and the test fails, saying so, if the machine has none.

pip's cache is used, so a re-run is mostly copying wheels. Slow all the same:
run it with ``pytest -m binder -s`` to see the time of each phase.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - pytest itself depends on tomli before 3.11
    import tomli as tomllib

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
LOCK = BINDER / "requirements.txt"
# repo2docker's server environment, which Binder installs the lock on top of.
SERVER = ROOT / "tests" / "repo2docker-server.txt"
TEST_TOOLS = ("pytest", "nbval")  # not course dependencies: installed on top
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
# What repo2docker would see if the repository is not a git checkout.
FALLBACK_FILES = (
    *("pyproject.toml", "README.md", "LICENSE", "calclearn", "notebooks", "binder"),
    "tests/sanitize.cfg",
)
# What pip prints when an install leaves installed packages in conflict.
CONFLICT_REPORT = re.compile(r"dependency conflicts|but you have .* incompatible")

# Seconds allowed per phase; generous, for a cold pip cache on a slow network.
TIMEOUTS = {
    "venv": 300,
    "server": 1800,
    "requirements": 1800,
    "pip list": 300,
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


def runs_python(executable: str | Path, version: str) -> bool:
    """Whether ``executable`` runs and is Python ``version`` (X.Y).

    A pyenv shim is on PATH for every version pyenv has, but fails unless that
    version is selected: so run it rather than trust its name.
    """
    try:
        reported = subprocess.run(
            [str(executable), "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return reported.returncode == 0 and reported.stdout.split() == version.split(".")


def base_python(version: str) -> str:
    """A Python interpreter of ``version`` (X.Y) to make the environment from.

    This one if it is that version, else ``pythonX.Y`` from PATH, else the
    newest ``X.Y.*`` that pyenv has installed.
    """
    if "{}.{}".format(*sys.version_info[:2]) == version:
        # The interpreter under this one's virtual environment, if any.
        return getattr(sys, "_base_executable", sys.executable)
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    installed = (pyenv_root / "versions").glob(f"{version}.*/bin/python{version}")
    candidates += sorted(
        installed,
        key=lambda path: [int(n) for n in re.findall(r"\d+", path.parts[-3])],
        reverse=True,
    )
    for candidate in candidates:
        if candidate is not None and runs_python(candidate, version):
            return str(candidate)
    pytest.fail(
        f"binder/runtime.txt asks for Python {version}, which this machine "
        f"does not have (no working python{version} on PATH or in "
        f"{pyenv_root / 'versions'})"
    )


def pinned(path: Path) -> dict[str, str]:
    """A requirements file's ``name==version`` lines as {normalised name: version}."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
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


def uv() -> str:
    """The uv of the environment running the tests (pyproject's [test] extra)."""
    here = shutil.which("uv", path=str(Path(sys.executable).parent))
    found = here or shutil.which("uv")
    assert found, "uv is not installed: it is in pyproject's [test] extra"
    return found


def installed(phases: Phases, bin_: Path, cwd: Path) -> dict[str, str]:
    """What the environment holds, as {normalised name: version}."""
    listing = phases.run(
        "pip list", [bin_ / "python", "-m", "pip", "list", "--format=json"], cwd
    ).stdout
    return {
        canonicalize_name(package["name"]): package["version"]
        for package in json.loads(listing)
    }


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
        # 2. repo2docker's server environment, consistent in itself. How it
        # gets there does not matter, so uv installs it (pip takes a minute).
        phases.run(
            "server",
            [uv(), "pip", "install", "--python", bin_ / "python", "-r", SERVER],
            repository,
        )
        phases.run("pip check", [bin_ / "python", "-m", "pip", "check"], repository)
        server = installed(phases, bin_, repository)
        # 3. The lock on top of it, with pip as repo2docker installs it, and
        # nothing else. (Only without compiling every module up front, which
        # changes nothing installed: Python compiles what it imports.)
        result = phases.run(
            "requirements",
            [
                *(bin_ / "python", "-m", "pip", "install", "--no-compile"),
                *("-r", "binder/requirements.txt"),
            ],
            repository,
        )
        report = result.stdout + result.stderr
        assert not CONFLICT_REPORT.search(report), (
            "installing binder/requirements.txt on top of repo2docker's server "
            f"environment left conflicts:\n{tail(report, 20)}"
        )
        now, locked = installed(phases, bin_, repository), pinned(LOCK)
        moved = {
            name: (pin, now.get(name))
            for name, pin in locked.items()
            if now.get(name) != pin
        }
        assert not moved, f"not installed at the locked version: {moved}"
        unlocked = {name: now[name] for name in now.keys() - locked.keys()}
        pulled_in = sorted(unlocked.keys() - server.keys())
        assert not pulled_in, (
            f"pip installed {pulled_in}, which binder/requirements.txt does not "
            "lock: the lock is incomplete (`make binder-lock`)"
        )
        print(f"[binder] left from the server environment, not locked: {unlocked}")
        # 4. postBuild, from the repository root, the new environment first on PATH.
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
        checked = phases.run(
            "pip check", [bin_ / "python", "-m", "pip", "check"], repository
        )
        print(f"[binder] pip check: {checked.stdout.strip()}")
        # 5. The widgets front end is in that JupyterLab, enabled and OK.
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
        # 6. Test tooling on top, without moving any pin.
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
        # 7. Every notebook, strict, in that environment.
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


def lock_command() -> list[str]:
    """The uv command that binder/requirements.txt's header says made it."""
    for line in LOCK.read_text().splitlines():
        if line.startswith("#") and "uv pip compile" in line:
            command = shlex.split(line.lstrip("#").strip())
            break
    else:
        pytest.fail(f"{LOCK.relative_to(ROOT)} names no `uv pip compile` command")
    assert "--output-file" in command, f"the header's command writes no file: {line}"
    return command


def test_binder_lock_is_what_its_command_resolves(tmp_path):
    # uv keeps the versions already in the output file while they still fit:
    # re-run on a copy of the lock, it changes nothing unless pyproject.toml or
    # binder/requirements.in moved on (or the lock was edited into something
    # uv would not resolve). Needs the package index, as the rebuild does.
    command = lock_command()
    relocked = tmp_path / "requirements.txt"
    shutil.copy(LOCK, relocked)
    command[0:1] = [uv()]
    command[command.index("--output-file") + 1] = str(relocked)
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"
    old, new = pinned(LOCK), pinned(relocked)
    changes = {
        name: (old.get(name), new.get(name))
        for name in old.keys() | new.keys()
        if old.get(name) != new.get(name)
    }
    assert not changes, (
        f"{LOCK.relative_to(ROOT)} is not what its command resolves "
        f"(name: (locked, resolved)): {changes}; run `make binder-lock`"
    )
