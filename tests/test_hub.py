"""The course in a classroom: a real JupyterHub, two learners, nbgitpuller.

``test_a_class_on_a_real_hub`` (marked ``hub``) starts JupyterHub from PyPI
with configurable-http-proxy from npm on 127.0.0.1, a dummy authenticator
(test only: any learner on the list, one shared password) and the local-process
spawner, each learner's home a temporary folder. The course comes from a local
bare clone of this repository, as a class's fork would. Then, as in a class:

1. each learner opens the link that ``calclearn.classroom.nbgitpuller_link``
   makes, logs in, and lands in JupyterLab on the chapter, which nbgitpuller
   has just cloned into ``~/calclearn``;
2. the first learner runs the chapter to the end through the hub in headless
   Chromium (the browser suite's machinery: Restart Kernel and Run All, then
   one slider step of an explorer, which must redraw), and adds a note;
3. the other learner's copy is untouched by any of it;
4. the instructor pushes a new commit; both learners pull again: the new file
   arrives, the first learner's note and outputs survive (nbgitpuller merges
   around a learner's changes), the other's copy is still the course's.

Every server is stopped through the hub's API, then the hub (and the proxy it
started); the test then checks that none of the processes is left.

The unit tests of the link itself are at the end; they need no hub.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from browser.conftest import (  # the browser suite's machinery
    LabServer,
    _descendants,
    _free_port,
    _stop,
    _write_lab_settings,
)
from browser.test_lab import (
    BENIGN_CONSOLE_ERRORS,
    EXPLORER,
    SLIDER_HANDLE,
    VIEWPORT,
    _is_local,
    _step_slider,
    _wait_image_loaded,
    open_notebook,
)
from raising import assert_raises_naming
from test_site import in_chromium

from calclearn.classroom import COURSE_BRANCH, nbgitpuller_link

ROOT = Path(__file__).resolve().parents[1]
#: The chapter the first learner runs: one explorer, a short run.
CHAPTER = "02_partial_derivatives.ipynb"
LEARNERS = ("ada", "ben")
NOTE = "Ada's note: the slice's slope is the partial derivative."
PROXY_INSTALL_HINT = (
    "configurable-http-proxy is not installed; the hub test needs it from npm: "
    "`npm install -g configurable-http-proxy` (.ci/run does)"
)
HUB_START_TIMEOUT = 60.0  # seconds
SERVER_TIMEOUT = 120.0  # a learner's server on a busy 2-core machine
PULL_TIMEOUT_MS = 120_000


# -- the course, as a class's git repository -----------------------------------------
@dataclass
class Course:
    bare: Path  # what the class pulls from
    work: Path  # the instructor's clone, to push from
    branch: str

    @property
    def url(self) -> str:
        return self.bare.as_uri()

    def read(self, relative: str) -> bytes:
        return subprocess.run(
            ["git", "show", f"HEAD:{relative}"],
            cwd=self.bare,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout

    def push_new_file(self, relative: str, text: str) -> None:
        path = self.work / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(self.work, "add", relative)
        git(self.work, "commit", "-q", "-m", f"Add {relative}")
        git(self.work, "push", "-q", "origin", f"HEAD:{self.branch}")


def git(where: Path, *args: str) -> str:
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Instructor",
            "-c",
            "user.email=instructor@example.edu",
            *args,
        ],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A bare clone of this repository (its committed state) and the
    instructor's clone."""
    base = tmp_path_factory.mktemp("course")
    bare, work = base / "calclearn.git", base / "instructor"
    git(base, "clone", "-q", "--bare", str(ROOT), str(bare))
    # The class follows `main`, at this checkout's commit (CI may check out a
    # detached HEAD).
    git(
        bare,
        "update-ref",
        f"refs/heads/{COURSE_BRANCH}",
        git(ROOT, "rev-parse", "HEAD"),
    )
    git(bare, "symbolic-ref", "HEAD", f"refs/heads/{COURSE_BRANCH}")
    # The instructor commits without a checkout: the index alone is enough.
    git(base, "clone", "-q", "--no-checkout", str(bare), str(work))
    git(work, "read-tree", "HEAD")
    course = Course(bare=bare, work=work, branch=COURSE_BRANCH)
    assert course.read(f"notebooks/{CHAPTER}"), f"{CHAPTER} is not committed"
    return course


# -- the hub ------------------------------------------------------------------------
@dataclass
class Hub:
    url: str
    token: str  # the test's own service token
    password: str  # the dummy authenticator's
    homes: Path
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        """Call the hub's REST API as the test's service."""
        return call(self.url + "/hub/api" + path, self.token, method, body)

    def home(self, learner: str) -> Path:
        return self.homes / learner

    def log_tail(self, lines: int = 80) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop_servers(self) -> None:
        for learner in LEARNERS:
            try:
                self.api("DELETE", f"/users/{learner}/server")
            except urllib.error.HTTPError as error:
                if error.code not in (400, 404):  # not running / no such user
                    raise
        deadline = time.monotonic() + SERVER_TIMEOUT
        while any(self.server_running(learner) for learner in LEARNERS):
            assert time.monotonic() < deadline, "servers did not stop"
            time.sleep(0.2)

    def server_running(self, learner: str) -> bool:
        try:
            model = self.api("GET", f"/users/{learner}")
        except urllib.error.HTTPError:
            return False
        return bool(model.get("servers"))


def call(url: str, token: str, method: str = "GET", body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"token {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
    return json.loads(text) if text else None


HUB_CONFIG = """
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = {bind_url!r}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = {proxy_api!r}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "jupyterhub_cookie_secret"
# Test only: any listed learner, one password.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {learners!r}
# Test only: learners' servers are local processes, homes are folders.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.Spawner.environment = {environment!r}
c.JupyterHub.services = [{{"name": "e2e", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [
    {{
        "name": "e2e",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        "services": ["e2e"],
    }}
]
c.JupyterHub.cleanup_servers = True
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A JupyterHub on 127.0.0.1, its proxy and, later, the learners' servers."""
    proxy = shutil.which("configurable-http-proxy")
    if proxy is None:
        pytest.skip(PROXY_INSTALL_HINT)
    base = tmp_path_factory.mktemp("hub")
    homes, settings = base / "homes", base / "lab-settings"
    homes.mkdir()
    _write_lab_settings(settings)
    token, password = secrets.token_hex(16), secrets.token_hex(8)
    port = _free_port()
    args = [
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.terminals_enabled=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # CI containers run as root
    config = base / "jupyterhub_config.py"
    config.write_text(
        HUB_CONFIG.format(
            bind_url=f"http://127.0.0.1:{port}",
            hub_port=_free_port(),
            proxy_api=f"http://127.0.0.1:{_free_port()}",
            proxy=proxy,
            password=password,
            learners=set(LEARNERS),
            homes=str(homes),
            singleuser=str(Path(sys.executable).parent / "jupyterhub-singleuser"),
            args=args,
            timeout=int(SERVER_TIMEOUT),
            environment={"JUPYTERLAB_SETTINGS_DIR": str(settings)},
            token=token,
        )
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "JPY_", "CONFIGPROXY"))
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    log = base / "jupyterhub.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=base,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Hub(
        url=f"http://127.0.0.1:{port}",
        token=token,
        password=password,
        homes=homes,
        process=process,
        log=log,
    )
    started = set()
    try:
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited early:\n{running.log_tail()}")
            try:
                call(running.url + "/hub/api/", token)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, (
                    f"JupyterHub did not start:\n{running.log_tail()}"
                )
                time.sleep(0.2)  # polling the real condition
        yield running
    finally:
        # Everything the hub started: the proxy, the servers and their kernels.
        started = set(_descendants(process.pid))
        try:
            if process.poll() is None:
                running.stop_servers()
        finally:
            _stop(process)
        left = [child for child in started if _alive(child)]
        assert not left, f"left running after the hub stopped: {left}"


def _alive(process) -> bool:
    try:
        return process.is_running() and process.status() != "zombie"
    except Exception:
        return False


# -- a learner in the browser -------------------------------------------------------
class LoggedIn:
    """The browser, as a learner: every new context carries their login."""

    def __init__(self, chromium, state: dict) -> None:
        self._browser, self._state = chromium, state

    def new_context(self, **options):
        return self._browser.new_context(storage_state=self._state, **options)


def guarded_context(chromium, outside: list[str]):
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")

    def guard(route) -> None:
        if _is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context


def follow_the_link(chromium, hub: Hub, link: str, artifacts: Path) -> dict:
    """Every learner opens the class link, at once, as a class does: each logs
    in, the hub starts their server, nbgitpuller pulls, and JupyterLab opens
    on the chapter. Returns each learner's login (the browser's storage state).
    """
    outside: list[str] = []
    contexts = {learner: guarded_context(chromium, outside) for learner in LEARNERS}
    pages = {}
    try:
        for learner, context in contexts.items():
            page = pages[learner] = context.new_page()
            page.set_default_timeout(PULL_TIMEOUT_MS)
            page.goto(link)
            page.locator("#username_input").fill(learner)
            page.locator("#password_input").fill(hub.password)
            page.locator("#login_submit").click()
        for learner, page in pages.items():
            # nbgitpuller redirects to the chapter once its pull has finished.
            try:
                page.wait_for_url(
                    f"**/user/{learner}/lab/tree/calclearn/notebooks/{CHAPTER}"
                )
            except Exception:
                page.screenshot(path=str(artifacts / f"{learner}-failed.png"))
                print(f"{learner} stopped at {page.url}:\n{hub.log_tail()}")
                raise
        logins = {learner: contexts[learner].storage_state() for learner in LEARNERS}
    finally:
        for context in contexts.values():
            context.close()
    assert not outside, f"the learners' pages asked other hosts: {outside}"
    return logins


def user_token(hub: Hub, learner: str) -> str:
    return hub.api("POST", f"/users/{learner}/tokens", {"note": "hub test"})["token"]


def pull_again(hub: Hub, learner: str, course: Course) -> list[dict]:
    """What a second click on the link does: nbgitpuller's pull, as its events."""
    query = urllib.parse.urlencode(
        {"repo": course.url, "branch": course.branch, "targetpath": "calclearn"}
    )
    request = urllib.request.Request(
        f"{hub.url}/user/{learner}/git-pull/api?{query}",
        headers={"Authorization": f"token {user_token(hub, learner)}"},
    )
    events = []
    with urllib.request.urlopen(request, timeout=PULL_TIMEOUT_MS / 1000) as stream:
        for line in stream:
            if line.startswith(b"data:"):
                events.append(json.loads(line[5:]))
    return events


def chapter_file(hub: Hub, learner: str) -> Path:
    return hub.home(learner) / "calclearn" / "notebooks" / CHAPTER


def run_and_move(browser, hub: Hub, learner: str, name: str, artifacts: Path, clock):
    """Open ``name`` in the learner's JupyterLab through the hub, Restart Kernel
    and Run All (the browser suite's ``open_notebook``), check the run, then
    step a slider of the first explorer and check that it redraws."""
    server = LabServer(
        url=f"{hub.url}/user/{learner}",
        root=hub.home(learner),
        process=hub.process,
        log=hub.log,
    )
    with open_notebook(browser, server, name, VIEWPORT) as run:
        errors = [
            output
            for cell in run.executed["cells"]
            for output in cell.get("outputs", [])
            if output.get("output_type") == "error"
        ]
        assert not errors, f"the chapter raised through the hub: {errors}"
        counts = [
            cell["execution_count"]
            for cell in run.executed["cells"]
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
        ]
        assert counts == list(range(1, len(counts) + 1)), (
            f"not every cell ran, in order: {counts}"
        )
        run.page.screenshot(
            path=str(artifacts / f"{learner}-ran-{Path(CHAPTER).stem}.png")
        )
        explorers = run.page.locator(EXPLORER)
        assert explorers.count() >= 1, "the chapter shows no explorer"
        explorer = explorers.first
        explorer.scroll_into_view_if_needed()
        image = explorer.locator("> img.widget-image")
        _wait_image_loaded(run.page, image)
        record, sent = _step_slider(run, image, explorer.locator(SLIDER_HANDLE).first)
        assert record["src1"] != record["src0"] and sent, (
            f"the explorer did not redraw after a slider step: {record}, {sent}"
        )
        explorer.screenshot(path=str(artifacts / f"{learner}-explorer-moved.png"))
        assert not run.external_requests, f"requests left: {run.external_requests}"
        console_errors = [
            text
            for text in run.console_errors
            if not any(benign in text for benign in BENIGN_CONSOLE_ERRORS)
        ]
        assert not console_errors, f"browser console errors: {console_errors}"
        run_seconds = run.run_seconds
    clock.lap(f"open and run {CHAPTER} ({run_seconds:.1f} s of it running)")


class Clock:
    """Wall-clock time of each phase, printed with ``-s``."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.laps: list[str] = []

    def lap(self, what: str) -> None:
        now = time.monotonic()
        self.laps.append(f"{what}: {now - self.last:.1f} s")
        self.last = now

    def __str__(self) -> str:
        return "; ".join(self.laps) + f" (total {self.last - self.start:.1f} s)"


# -- the class -------------------------------------------------------------------------
@pytest.mark.hub
def test_a_class_on_a_real_hub(hub, course):
    artifacts = ROOT / "test-artifacts" / "hub"
    artifacts.mkdir(parents=True, exist_ok=True)
    link = nbgitpuller_link(
        hub.url, CHAPTER, repository=course.url, branch=course.branch
    )
    original = course.read(f"notebooks/{CHAPTER}")
    ada, ben = LEARNERS
    name = f"calclearn/notebooks/{CHAPTER}"
    clock = Clock()

    def in_class(chromium) -> None:
        # 1. Both learners follow the link: logged in, the course pulled, Lab open.
        logins = follow_the_link(chromium, hub, link, artifacts)
        for learner in LEARNERS:
            assert chapter_file(hub, learner).read_bytes() == original, (
                f"{learner}'s pulled {CHAPTER} is not the course's"
            )
        clock.lap("log in and pull, both")
        # 2. Ada runs the chapter to the end and moves an explorer.
        run_and_move(LoggedIn(chromium, logins[ada]), hub, ada, name, artifacts, clock)

    in_chromium(in_class)

    # Ada's own note, saved as the Lab saves (the contents API).
    token = user_token(hub, ada)
    url = f"{hub.url}/user/{ada}/api/contents/{name}"
    model = call(url + "?content=1", token)
    model["content"]["cells"].append(
        {"cell_type": "markdown", "id": "ada-note", "metadata": {}, "source": NOTE}
    )
    call(url, token, "PUT", {"type": "notebook", "content": model["content"]})
    ada_copy = chapter_file(hub, ada).read_text()
    assert NOTE in ada_copy

    # 3. Ben's copy knows nothing of it.
    assert chapter_file(hub, ben).read_bytes() == original, "Ben's copy changed"

    # 4. The instructor pushes; both pull again.
    course.push_new_file("notebooks/CLASS_NOTES.md", "# Week 2\n\nRead Chapter 3.\n")
    for learner in LEARNERS:
        events = pull_again(hub, learner, course)
        assert events and events[-1].get("phase") == "finished", (
            f"{learner}'s second pull: {events[-3:]}"
        )
        notes = hub.home(learner) / "calclearn" / "notebooks" / "CLASS_NOTES.md"
        assert notes.read_text().startswith("# Week 2"), f"{learner} lacks the notes"
    after = chapter_file(hub, ada).read_text()
    assert NOTE in after, "Ada's note was lost in the second pull"
    assert json.loads(after) == json.loads(ada_copy), "the pull changed Ada's copy"
    assert NOTE not in chapter_file(hub, ben).read_text()
    assert chapter_file(hub, ben).read_bytes() == original
    clock.lap("note, push and pull again")
    print(clock)


# -- the link, without a hub ---------------------------------------------------------
def test_the_link_opens_the_chapter_through_nbgitpuller():
    link = nbgitpuller_link("https://hub.example.edu/hub/", 1)
    parts = urllib.parse.urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert urllib.parse.parse_qs(parts.query) == {
        "repo": ["https://github.com/calclearn/calclearn"],
        "urlpath": ["lab/tree/calclearn/notebooks/01_derivatives.ipynb"],
        "branch": ["main"],
        "targetpath": ["calclearn"],
    }


@pytest.mark.parametrize(
    "notebook",
    sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb")),
)
def test_every_chapter_has_a_link_by_number_and_by_name(notebook):
    by_number = nbgitpuller_link("https://hub.example.edu", int(notebook[:2]))
    assert by_number == nbgitpuller_link("https://hub.example.edu", notebook)
    assert by_number == nbgitpuller_link("https://hub.example.edu", notebook[:-6])
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(by_number).query)
    assert query["urlpath"] == [f"lab/tree/calclearn/notebooks/{notebook}"]


def test_a_fork_and_the_notebook_interface():
    link = nbgitpuller_link(
        "http://127.0.0.1:8000",
        "03_gradient",
        repository="https://gitlab.example.edu/maths/calclearn-2027.git",
        branch="spring",
        interface="notebook",
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query == {
        "repo": ["https://gitlab.example.edu/maths/calclearn-2027.git"],
        "urlpath": ["notebooks/calclearn-2027/notebooks/03_gradient.ipynb"],
        "branch": ["spring"],
        "targetpath": ["calclearn-2027"],
    }


def test_the_command_prints_the_link():
    result = subprocess.run(
        [sys.executable, "-m", "calclearn.classroom", "https://hub.example.edu", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == nbgitpuller_link("https://hub.example.edu", 2)


def test_the_readme_shows_what_the_command_prints():
    readme = (ROOT / "README.md").read_text()
    assert "python -m calclearn.classroom https://hub.example.edu 3" in readme
    assert nbgitpuller_link("https://hub.example.edu", 3) in readme


def test_the_values_fragment_uses_the_image_built_from_binder():
    """classroom/values.yaml: JupyterLab, a fixed image tag, homes that persist;
    the image's single-user server is JupyterHub 5, as chart 4.x's hub, and
    the image has nbgitpuller, which the links need."""
    values = yaml.safe_load((ROOT / "classroom" / "values.yaml").read_text())
    singleuser = values["singleuser"]
    assert singleuser["defaultUrl"] == "/lab"
    assert singleuser["image"]["tag"] not in ("", "latest")
    assert singleuser["storage"]["type"] == "dynamic"
    assert singleuser["cmd"] == "jupyterhub-singleuser"
    lock = (ROOT / "binder" / "requirements.txt").read_text()
    assert re.search(r"^jupyterhub==5\.", lock, re.MULTILINE), (
        "the image's hub is not 5.x"
    )
    assert re.search(r"^nbgitpuller==", lock, re.MULTILINE), (
        "the image lacks nbgitpuller"
    )
    readme = (ROOT / "README.md").read_text()
    assert "classroom/values.yaml" in readme and "--version 4." in readme


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"hub_url": "hub.example.edu"}, ValueError, "hub_url"),
        ({"hub_url": 8000}, TypeError, "hub_url"),
        ({"chapter": 99}, ValueError, "chapter"),
        ({"chapter": -1}, ValueError, "chapter"),
        ({"chapter": "derivatives"}, ValueError, "chapter"),
        ({"chapter": 1.0}, TypeError, "chapter"),
        ({"chapter": True}, TypeError, "chapter"),
        ({"interface": "classic"}, ValueError, "interface"),
        ({"branch": ""}, ValueError, "branch"),
        ({"repository": None}, ValueError, "repository"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, argument):
    call_kwargs = {"hub_url": "https://hub.example.edu", "chapter": 1, **kwargs}
    assert_raises_naming(lambda: nbgitpuller_link(**call_kwargs), error, argument)
