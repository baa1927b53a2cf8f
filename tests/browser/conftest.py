"""Fixtures of the browser suite: a throw-away JupyterLab server and Chromium.

The server runs from this environment (``sys.executable -m jupyter lab``) on
127.0.0.1, on a free port, with no token and no password, with its own
temporary config, data, runtime, settings and workspace directories, and it
serves a temporary *copy* of ``notebooks/``: the repository's notebooks are
never opened, so autosave cannot touch them. Chromium is Debian's package,
driven headless by Playwright, which never downloads a browser of its own.

``CALCLEARN_BROWSER_NOTEBOOKS=/some/dir`` serves and tests another folder of
notebooks instead of ``notebooks/`` (for developing the suite itself).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

try:  # an ipykernel dependency, so here whenever the kernel is
    import psutil
except ImportError:  # pragma: no cover - then only the process group is killed
    psutil = None

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("CALCLEARN_BROWSER_NOTEBOOKS", REPO / "notebooks"))
ARTIFACTS = REPO / "test-artifacts" / "browser"

#: Flags that keep Chromium headless and off the network (no update checks,
#: no sync, no component downloads, no QUIC).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

INSTALL_HINT = (
    "Chromium is not installed; the browser suite needs Debian's package: "
    "`apt-get install -y chromium` (Playwright never downloads a browser here)."
)

SERVER_START_TIMEOUT = 90.0  # seconds; a cold start on a busy 2-core machine


def chromium_path() -> str | None:
    """Debian's Chromium, or None when it is not installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def notebook_paths() -> list[Path]:
    """Every notebook of the course, in chapter order."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


# -- the JupyterLab server ----------------------------------------------------


@dataclass
class LabServer:
    """A running JupyterLab: its address and the folder it serves."""

    url: str
    root: Path
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API (no token: the server has none)."""
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_session(self, notebook: str) -> None:
        """Shut down the kernel of ``notebook`` (a path relative to the root)."""
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == notebook:
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings of the throw-away Lab: no news, no update check.

    Both are off in a learner's default Lab too until they opt in; setting
    them only removes the "would you like news?" toast from screenshots.
    """
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def _descendants(pid: int) -> list:
    """Every process started by ``pid``, however deep (kernels included)."""
    if psutil is None:
        return []
    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).children(recursive=True)
    return []


def _stop(process: subprocess.Popen) -> None:
    """Stop the server, its process group and every kernel it started.

    Kernels run in sessions of their own (jupyter_client starts them with
    ``start_new_session``), so signalling the server's group alone could leave
    them running: they are collected first and, if the server's own shutdown
    did not end them, signalled one by one (psutil checks each is still the
    process it was, so a recycled pid is never hit).
    """
    children = _descendants(process.pid)
    if process.poll() is None:
        # SIGTERM lets the server shut its kernels down cleanly.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    if psutil is None or not children:
        return
    _, alive = psutil.wait_procs(children, timeout=5)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(alive, timeout=5)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A JupyterLab serving a temporary copy of the notebooks; stopped at the end."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    shutil.copytree(
        NOTEBOOKS,
        root,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    dirs = {
        name: base / name
        for name in ("config", "data", "runtime", "ipython", "settings", "workspaces")
    }
    for path in dirs.values():
        path.mkdir()
    _write_lab_settings(dirs["settings"])

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "JPY_"))
    }
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        IPYTHONDIR=str(dirs["ipython"]),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]]),
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.open_browser=False",
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        # window.jupyterapp, for the theme pass (apputils:change-theme).
        "--LabApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = base / "jupyterlab.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(url=url, root=root, process=process, log=log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited early:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{server.log_tail()}")
                time.sleep(0.2)  # polling the real condition, not a fixed wait
        yield server
    finally:
        _stop(process)


# -- Chromium -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright; skipped when absent."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(INSTALL_HINT)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


# -- what the tests run over, and what they leave behind ------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One set of browser tests per notebook: ``notebook_name`` is each file.

    A test that measures explorers (its name says ``latency``) runs only on the
    notebooks that make one, so that no notebook is skipped.
    """
    if "notebook_name" in metafunc.fixturenames:
        paths = notebook_paths()
        if "latency" in metafunc.function.__name__:
            paths = [path for path in paths if "Explorer(" in path.read_text()]
        metafunc.parametrize(
            "notebook_name", [path.name for path in paths], scope="module"
        )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/browser/ at the repository root (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class LatencyReport(dict):
    """Latency figures by notebook; written to latency.json as they come."""

    path = ARTIFACTS / "latency.json"

    def write(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self, indent=2, ensure_ascii=False) + "\n")
        return self.path


LATENCY = LatencyReport()


@pytest.fixture(scope="session")
def latency_report() -> LatencyReport:
    """Where test_slider_latency puts its figures (printed at the end)."""
    LATENCY.path.unlink(missing_ok=True)  # figures of an earlier run
    return LATENCY


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print the latency figures after the run (they are reported, not asserted)."""
    if not LATENCY:
        return
    terminalreporter.section("explorer latency: key press to new figure shown")
    for notebook, result in LATENCY.items():
        overall = result["overall"]
        terminalreporter.write_line(
            f"{notebook}: {overall['n']} steps, median {overall['median_ms']:.1f} ms, "
            f"p95 {overall['p95_ms']:.1f} ms, max {overall['max_ms']:.1f} ms "
            f"(target: median < {result['target_median_ms']} ms)"
        )
        for explorer in result["explorers"]:
            terminalreporter.write_line(
                f"    explorer {explorer['index']} ({explorer['control']}): "
                f"median {explorer['median_ms']:.1f} ms, "
                f"p95 {explorer['p95_ms']:.1f} ms, max {explorer['max_ms']:.1f} ms"
            )
    terminalreporter.write_line(f"written to {LATENCY.path}")
