"""The packaging files agree with each other, and the README with the repository.

- binder/requirements.txt pins (``name==version``) every runtime dependency and
  every package of the ``lab`` extra that pyproject.toml declares, each pin
  within pyproject's constraint, and every package of repo2docker's server
  environment; it is a lock made by the uv command in its header, for
  binder/runtime.txt's Python, which pyproject's ``requires-python`` allows;
  binder/postBuild is executable and installs the course package without
  pulling in anything unpinned.
- LICENSE, pyproject's SPDX licence and CITATION.cff agree; the start page's
  self-check covers every runtime dependency; the committed notebooks carry no
  execution timings, and a refresh writes none; ``import calclearn`` loads no
  sympy (nor matplotlib, nor ipywidgets) until a name that needs it is used.
- Every notebook that README.md names exists, every notebook in notebooks/ is
  in README's chapter table (a relative link and a Binder link), and README's
  test command is the one .ci/run calls.

Everything is parsed from the files, so that a change to one of them that the
others do not follow makes a test fail.
"""

from __future__ import annotations

import json
import re
import shlex
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - pytest itself depends on tomli before 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
BINDER = ROOT / "binder"
REQUIREMENTS = BINDER / "requirements.txt"
RUNTIME = BINDER / "runtime.txt"
POSTBUILD = BINDER / "postBuild"
LOCK_INPUT = BINDER / "requirements.in"
SERVER = ROOT / "tests" / "repo2docker-server.txt"
LICENSE = ROOT / "LICENSE"
CITATION = ROOT / "CITATION.cff"
README = ROOT / "README.md"
NOTEBOOKS = ROOT / "notebooks"
CI_RUN = ROOT / ".ci" / "run"
MAKEFILE = ROOT / "Makefile"

# The pyproject extra that a learner needs on top of the runtime dependencies,
# and so that Binder must provide.
LAB_EXTRA = "lab"


# -- parsing -------------------------------------------------------------------
def pyproject() -> dict:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)


def project_name() -> str:
    return canonicalize_name(pyproject()["project"]["name"])


def runtime_python() -> Version:
    """The Python version that binder/runtime.txt asks repo2docker for."""
    text = RUNTIME.read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, (
        f"{RUNTIME.relative_to(ROOT)} must read 'python-X.Y' (repo2docker's "
        f"format), not {text!r}"
    )
    return Version(match.group(1))


def course_requirements() -> list[tuple[str, Requirement]]:
    """pyproject's runtime dependencies and its lab extra, as (where, requirement).

    Requirements whose environment marker excludes Binder's Python are left
    out, and so is a reference of the package to itself (``calclearn[...]``).
    """
    project = pyproject()["project"]
    extras = project.get("optional-dependencies", {})
    assert LAB_EXTRA in extras, f"pyproject.toml has no [{LAB_EXTRA}] extra"
    listed = [("dependencies", text) for text in project.get("dependencies", [])]
    listed += [(f"[{LAB_EXTRA}] extra", text) for text in extras[LAB_EXTRA]]
    python = str(runtime_python())
    found = []
    for where, text in listed:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == project_name():
            continue
        if requirement.marker and not requirement.marker.evaluate(
            {"python_version": python, "python_full_version": f"{python}.0"}
        ):
            continue
        found.append((where, requirement))
    return found


def pins() -> dict[str, Version]:
    """binder/requirements.txt as {normalised name: pinned version}.

    Every line other than comments and blank lines must be ``name==version``.
    """
    found: dict[str, Version] = {}
    for number, raw in enumerate(REQUIREMENTS.read_text().splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        where = f"{REQUIREMENTS.relative_to(ROOT)}:{number}"
        assert not line.startswith("-"), (
            f"{where}: {line!r}: only name==version pins belong here"
        )
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert (
            len(specifiers) == 1
            and specifiers[0].operator == "=="
            and "*" not in specifiers[0].version
        ), f"{where}: {line!r} is not an exact pin (name==version)"
        assert not requirement.url, f"{where}: {line!r}: a pin, not a URL"
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{where}: {requirement.name} is pinned twice"
        found[name] = Version(specifiers[0].version)
    return found


def shell_commands(path: Path) -> list[list[str]]:
    """The commands of a simple shell script, one token list per line."""
    commands = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"\s*(?:&&|\|\||;)\s*", line):
            tokens = shlex.split(part, comments=True)
            if tokens:
                commands.append(tokens)
    return commands


def pip_installs(path: Path) -> list[list[str]]:
    """The arguments after ``pip install`` of each pip install in a script."""
    installs = []
    for tokens in shell_commands(path):
        for i, token in enumerate(tokens[:-1]):
            # `pip install`, `pip3 install`, `python -m pip install`, `/x/pip ...`
            if re.fullmatch(r"(.*/)?pip[\d.]*", token) and tokens[i + 1] == "install":
                installs.append(tokens[i + 2 :])
                break
    return installs


# -- binder/ against pyproject.toml --------------------------------------------
def test_pins_are_exact_and_parse():
    assert pins(), f"{REQUIREMENTS.relative_to(ROOT)} pins nothing"


def test_course_requirements_are_pinned_for_binder():
    pinned = pins()
    missing = [
        f"{requirement} ({where})"
        for where, requirement in course_requirements()
        if canonicalize_name(requirement.name) not in pinned
    ]
    assert not missing, (
        f"{REQUIREMENTS.relative_to(ROOT)} has no name==version pin for: "
        + ", ".join(missing)
    )


def test_pins_satisfy_pyproject():
    pinned = pins()
    wrong = []
    for where, requirement in course_requirements():
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            continue  # reported by test_course_requirements_are_pinned_for_binder
        if not requirement.specifier.contains(version, prereleases=True):
            wrong.append(
                f"{requirement.name}=={version} is outside {requirement} ({where})"
            )
    assert not wrong, (
        f"pins in {REQUIREMENTS.relative_to(ROOT)} break pyproject.toml's "
        "constraints: " + "; ".join(wrong)
    )


def test_the_course_package_is_not_pinned_from_an_index():
    # postBuild installs it from the repository; a pin would fetch another copy.
    assert project_name() not in pins()


def test_runtime_python_satisfies_requires_python():
    requires = SpecifierSet(pyproject()["project"]["requires-python"])
    version = runtime_python()
    assert requires.contains(version, prereleases=True), (
        f"{RUNTIME.relative_to(ROOT)} asks for Python {version}, but pyproject.toml "
        f"requires {requires}"
    )


def test_postbuild_is_an_executable_script():
    mode = POSTBUILD.stat().st_mode
    assert mode & stat.S_IXUSR, f"{POSTBUILD.relative_to(ROOT)} is not executable"
    assert POSTBUILD.read_text().startswith("#!"), (
        f"{POSTBUILD.relative_to(ROOT)} needs a #! line: repo2docker executes it"
    )
    # What Binder sees is git's file mode, not the working tree's.
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--stage", "--", str(POSTBUILD.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return  # not a git checkout: the working tree's mode is all there is
    if listed.stdout.strip():
        git_mode = listed.stdout.split()[0]
        assert git_mode == "100755", (
            f"git records {POSTBUILD.relative_to(ROOT)} as mode {git_mode}; "
            "run `git update-index --chmod=+x binder/postBuild`"
        )


def test_postbuild_stops_at_the_first_failure():
    # Without errexit a failed install is followed by a green Binder build.
    commands = shell_commands(POSTBUILD)
    assert any(
        tokens[0] == "set"
        and any(
            re.fullmatch(r"-[a-z]*e[a-z]*", flag) or flag == "errexit"
            for flag in tokens[1:]
        )
        for tokens in commands
    ), f"{POSTBUILD.relative_to(ROOT)} should `set -e` (or -euo pipefail)"


def test_postbuild_installs_the_package_and_nothing_unpinned():
    installs = pip_installs(POSTBUILD)
    of_repo = [
        arguments
        for arguments in installs
        if any(re.fullmatch(r"\.(\[[\w,\s-]+\])?/?", a) for a in arguments)
    ]
    assert of_repo, (
        f"{POSTBUILD.relative_to(ROOT)} does not `pip install .` the course "
        f"package (pip installs found: {installs})"
    )
    for arguments in of_repo:
        assert "--no-deps" in arguments, (
            f"{POSTBUILD.relative_to(ROOT)}: `pip install {' '.join(arguments)}` "
            "may resolve dependencies past the pins; add --no-deps"
        )


def test_postbuild_without_build_isolation_has_its_build_backend_pinned():
    # With --no-build-isolation pip builds with whatever setuptools the image
    # happens to have (a fresh 3.11 venv: 65.5, which cannot build a wheel
    # without the `wheel` package); so the build requirements must be pins too.
    isolated = [
        arguments
        for arguments in pip_installs(POSTBUILD)
        if "--no-build-isolation" in arguments
    ]
    if not isolated:
        pytest.skip("postBuild lets pip install the build requirements itself")
    pinned = pins()
    problems = []
    for text in pyproject()["build-system"]["requires"]:
        requirement = Requirement(text)
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement} is not pinned")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement}")
    assert not problems, (
        f"{POSTBUILD.relative_to(ROOT)} builds with --no-build-isolation, so "
        f"{REQUIREMENTS.relative_to(ROOT)} must pin pyproject's [build-system] "
        "requires: " + "; ".join(problems)
    )


def test_lock_holds_every_package_of_repo2docker_server_environment():
    # Binder installs the lock over repo2docker's server packages; one left
    # out keeps its own pins (notebook 7.4.7: jupyterlab<4.5) and can clash.
    pinned = pins()
    server = [
        Requirement(line.split("#")[0]).name
        for line in SERVER.read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    assert server, f"{SERVER.relative_to(ROOT)} lists nothing"
    missing = [
        name
        for name in server
        if canonicalize_name(name) not in pinned and canonicalize_name(name) != "pip"
    ]
    assert not missing, (
        f"{REQUIREMENTS.relative_to(ROOT)} does not lock these packages of "
        f"repo2docker's server environment: {missing}"
    )


def lock_header_command() -> list[str]:
    for line in REQUIREMENTS.read_text().splitlines():
        if line.startswith("#") and "uv pip compile" in line:
            return shlex.split(line.lstrip("#").strip())
    raise AssertionError(
        f"{REQUIREMENTS.relative_to(ROOT)}'s header names no `uv pip compile` "
        "command: it must be the lock that command made"
    )


def test_lock_is_made_from_pyproject_and_requirements_in_for_binders_python():
    command = lock_header_command()
    inputs = [a for a in command[3:] if not a.startswith("-")]
    assert "pyproject.toml" in inputs and "binder/requirements.in" in inputs, command
    assert LOCK_INPUT.exists(), f"{LOCK_INPUT.relative_to(ROOT)} is missing"
    assert command[command.index("--extra") + 1] == LAB_EXTRA, command
    python = command[command.index("--python-version") + 1]
    assert Version(python) == runtime_python(), (
        f"the lock is for Python {python}, binder/runtime.txt asks for "
        f"{runtime_python()}"
    )
    assert "--exclude-newer" in command, "without a date the lock is not repeatable"
    output = command[command.index("--output-file") + 1]
    assert output == REQUIREMENTS.relative_to(ROOT).as_posix(), command


def test_lock_command_is_in_the_makefile_and_the_readme():
    assert re.search(r"^binder-lock\s*:", MAKEFILE.read_text(), re.MULTILINE), (
        "Makefile has no binder-lock target"
    )
    assert "make binder-lock" in readme(), "README.md does not say how to re-lock"
    assert "make binder-lock" in LOCK_INPUT.read_text()


def test_runtime_python_is_a_current_python():
    # 3.12 and 3.13 have years of support left; both have repo2docker locks.
    assert runtime_python() >= Version("3.12"), (
        f"{RUNTIME.relative_to(ROOT)} asks for Python {runtime_python()}"
    )


# -- licence, citation, self-check, notebooks, import --------------------------
def test_license_is_spdx_with_its_file():
    project = pyproject()["project"]
    assert project["license"] == "MIT", (
        'pyproject.toml: use the SPDX form, license = "MIT"'
    )
    assert project["license-files"] == ["LICENSE"], project.get("license-files")
    assert LICENSE.read_text().startswith("MIT License\n"), LICENSE
    # PEP 639's license string is read from setuptools 77 on.
    for text in pyproject()["build-system"]["requires"]:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == "setuptools":
            assert not requirement.specifier.contains("76.9"), requirement
            break
    else:
        raise AssertionError("pyproject.toml's build-system does not name setuptools")


def test_citation_cff_has_the_required_keys_and_agrees_with_pyproject():
    import yaml  # PyYAML: installed with JupyterLab (jupyter-events needs it)

    citation = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    for key in ("message", "title"):
        assert isinstance(citation.get(key), str) and citation[key].strip(), key
    authors = citation.get("authors")
    assert isinstance(authors, list) and authors, "CITATION.cff names no author"
    for author in authors:
        assert isinstance(author, dict) and (
            author.get("name") or author.get("family-names")
        ), f"CITATION.cff: an author needs name or family-names: {author}"
    project = pyproject()["project"]
    assert str(citation["version"]) == project["version"]
    assert citation["license"] == project["license"]
    # https://github.com/OWNER/NAME against mybinder.org/v2/gh/OWNER/NAME/REF
    cited = urlsplit(citation["repository-code"]).path.strip("/").split("/")
    built = {tuple(urlsplit(url).path.split("/")[3:5]) for url, _ in binder_links()}
    assert built == {tuple(cited)}, (
        f"CITATION.cff's repository-code {citation['repository-code']} is not the "
        f"repository README's Binder links build: {built}"
    )


def test_self_check_covers_every_runtime_dependency():
    from calclearn.environment import REQUIRED

    declared = {}
    for text in pyproject()["project"]["dependencies"]:
        requirement = Requirement(text)
        minimum = [s.version for s in requirement.specifier if s.operator == ">="]
        declared[canonicalize_name(requirement.name)] = minimum[0] if minimum else None
    checked = {canonicalize_name(name): v for name, v in REQUIRED.items()}
    assert checked == declared, (
        "calclearn.environment.REQUIRED must be pyproject's dependencies with "
        f"their minimum versions: checks {checked}, pyproject has {declared}"
    )


def test_committed_notebooks_store_no_execution_timings():
    timed = [
        f"{notebook.name} cell {i}"
        for notebook in notebooks()
        for i, cell in enumerate(json.loads(notebook.read_text())["cells"])
        if "execution" in cell.get("metadata", {})
    ]
    assert not timed, f"cells with execution timings (run `make refresh`): {timed}"


def test_refresh_writes_no_execution_timings(tmp_path):
    import nbformat

    from calclearn._refresh import refresh

    path = tmp_path / "timed.ipynb"
    cell = nbformat.v4.new_code_cell("6 * 7")
    cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    refresh(path)
    (cell,) = nbformat.read(path, as_version=4).cells
    assert cell.outputs[0]["data"]["text/plain"] == "42"  # it did run
    assert "execution" not in cell.metadata, cell.metadata


def python_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; return the JSON it prints."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,  # so that it imports this working tree's calclearn
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_calclearn_loads_no_sympy_matplotlib_or_ipywidgets():
    loaded = python_after(
        """
        import json, sys
        import calclearn
        heavy = ("sympy", "matplotlib", "ipywidgets")
        print(json.dumps([name for name in heavy if name in sys.modules]))
        """
    )
    assert loaded == [], f"`import calclearn` imports {loaded}"


def test_every_public_name_loads_on_first_use_and_star_import_gets_them_all():
    found = python_after(
        """
        import importlib, json, sys
        import calclearn as cl
        derivative = str(cl.symbolic_derivative("x**3", "x"))  # the first use
        homes = {
            name: module for module, names in cl._EXPORTS.items() for name in names
        }
        def home(name):
            return getattr(importlib.import_module(homes[name]), name)
        wrong = [name for name in cl.__all__ if getattr(cl, name) is not home(name)]
        star = {}
        exec("from calclearn import *", star)
        print(json.dumps({
            "derivative": derivative,
            "sympy": "sympy" in sys.modules,
            "wrong": wrong,
            "star": sorted(k for k in star if not k.startswith("__")),
            "all": cl.__all__,
            "plots": cl.plots.__name__,
            "in_dir": sorted(set(cl.__all__) - set(dir(cl))),
        }))
        """
    )
    assert found["derivative"] == "3*x**2" and found["sympy"]
    assert found["wrong"] == [], f"names that are not their module's: {found['wrong']}"
    assert found["star"] == sorted(found["all"]) and found["all"], found["star"]
    assert found["plots"] == "calclearn.plots"  # a submodule, on first use too
    assert found["in_dir"] == []


def test_no_public_name_is_exported_from_two_modules():
    import calclearn

    seen: dict[str, str] = {}
    twice = []
    for module, names in calclearn._EXPORTS.items():
        for name in names:
            if name in seen:
                twice.append(f"{name} ({seen[name]} and {module})")
            seen[name] = module
    assert not twice, f"calclearn._EXPORTS names these twice: {twice}"


def test_unknown_attribute_is_an_attribute_error():
    import calclearn

    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        calclearn.not_a_name  # noqa: B018


# -- README.md against the repository ------------------------------------------
def readme() -> str:
    assert README.exists(), "README.md is missing (pyproject.toml names it)"
    return README.read_text(encoding="utf-8")


def notebooks() -> list[Path]:
    return sorted(
        path
        for path in NOTEBOOKS.glob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")
_MARKDOWN_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")
_HTML_TARGET = re.compile(r"(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_BARE_NOTEBOOK = re.compile(r"(?<![\w/.%=-])(?:\./)?notebooks/[\w.-]+\.ipynb")


def readme_relative_links() -> list[str]:
    """Link targets in README that are paths in the repository (not URLs)."""
    text = readme()
    targets = _MARKDOWN_TARGET.findall(text) + _HTML_TARGET.findall(text)
    return [
        target
        for target in targets
        if not re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)
        and not target.startswith("#")
    ]


def binder_links() -> list[tuple[str, str]]:
    """(URL, path opened) for every Binder link in README."""
    found = []
    for url in _URL.findall(readme()):
        parts = urlsplit(url)
        if parts.netloc != "mybinder.org" or not parts.path.startswith("/v2/"):
            continue  # not a launch link (e.g. the badge's image)
        query = parse_qs(parts.query)
        opened = ""
        if "urlpath" in query:
            urlpath = unquote(query["urlpath"][0])
            match = re.fullmatch(r"/?(?:lab|doc)/tree/(.+)", urlpath)
            assert match, f"README: Binder link {url} does not open a file: {urlpath}"
            opened = match.group(1)
        elif "labpath" in query:
            opened = unquote(query["labpath"][0])
        found.append((url, opened))
    return found


def repository_path(target: str) -> Path:
    """A README link target as a path (anchor and query dropped)."""
    return (README.parent / unquote(target.split("#")[0].split("?")[0])).resolve()


def test_readme_links_to_files_that_exist():
    missing = [
        target
        for target in readme_relative_links()
        if not repository_path(target).exists()
    ]
    assert not missing, f"README.md links to missing files: {missing}"


def test_readme_names_only_notebooks_that_exist():
    named = set(_BARE_NOTEBOOK.findall(readme()))
    named |= {t for t in readme_relative_links() if t.split("#")[0].endswith(".ipynb")}
    missing = sorted(t for t in named if not repository_path(t).exists())
    assert not missing, f"README.md names notebooks that do not exist: {missing}"


def test_readme_binder_links_open_files_that_exist():
    links = binder_links()
    assert links, "README.md has no Binder link"
    missing = [
        f"{url} (opens {opened})"
        for url, opened in links
        if opened and not (ROOT / opened).exists()
    ]
    assert not missing, f"README.md's Binder links open missing files: {missing}"


def test_readme_binder_links_all_build_the_same_repository():
    builds = {"/".join(urlsplit(url).path.split("/")[:6]) for url, _ in binder_links()}
    assert all(build.startswith("/v2/gh/") for build in builds), builds
    assert len(builds) == 1, f"README.md's Binder links build different repos: {builds}"


def test_every_notebook_is_in_the_readme_chapter_table():
    linked = {
        repository_path(target)
        for target in readme_relative_links()
        if target.split("#")[0].endswith(".ipynb")
    }
    on_binder = {(ROOT / opened).resolve() for _, opened in binder_links() if opened}
    problems = []
    for notebook in notebooks():
        name = notebook.relative_to(ROOT).as_posix()
        if notebook.resolve() not in linked:
            problems.append(f"{name} has no relative link")
        if notebook.resolve() not in on_binder:
            problems.append(f"{name} has no Binder link (urlpath=lab/tree/{name})")
    assert not problems, "README.md's chapter table is incomplete: " + "; ".join(
        problems
    )


def fenced_lines(text: str) -> list[str]:
    """The lines inside README's fenced code blocks, prompts (``$ ``) removed."""
    lines, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        match = re.match(r"(`{3,}|~{3,})", stripped)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and stripped.startswith(fence):
            fence = None
        elif fence is not None:
            lines.append(re.sub(r"^\$\s+", "", stripped))
    return lines


def make_targets() -> set[str]:
    return set(re.findall(r"^([\w.-]+)\s*:(?!=)", MAKEFILE.read_text(), re.MULTILINE))


def test_readme_test_command_is_what_ci_runs():
    readme_commands = [
        shlex.split(line, comments=True) for line in fenced_lines(readme())
    ]
    readme_tests = {
        " ".join(tokens) for tokens in readme_commands if tokens[:2] == ["make", "test"]
    }
    assert readme_tests, "README.md has no fenced `make test` command"
    ci_makes = {
        " ".join(tokens) for tokens in shell_commands(CI_RUN) if tokens[0] == "make"
    }
    assert ci_makes, f"{CI_RUN.relative_to(ROOT)} runs no make command"
    assert ci_makes <= readme_tests, (
        f"{CI_RUN.relative_to(ROOT)} runs {sorted(ci_makes)}, but README.md "
        f"documents {sorted(readme_tests)} as the test command"
    )
    for command in ci_makes:
        for target in shlex.split(command)[1:]:
            if "=" not in target and not target.startswith("-"):
                assert target in make_targets(), f"Makefile has no `{target}` target"


@pytest.mark.parametrize(
    "text",
    ["foo>=1", "foo==1.*", "-e .", "foo==1\nfoo==2"],
    ids=["range", "wildcard", "option", "twice"],
)
def test_pin_parser_rejects_what_is_not_a_pin(text, tmp_path, monkeypatch):
    # The checks above are only as good as the parser: it must refuse non-pins.
    fake = tmp_path / "requirements.txt"
    fake.write_text(text + "\n")
    monkeypatch.setattr(sys.modules[__name__], "REQUIREMENTS", fake)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError):
        pins()
