"""Giving a class the course on a JupyterHub: the nbgitpuller link.

A learner who opens the link logs in to the hub; nbgitpuller, a server
extension of the learner's Jupyter server, then clones the course into their
home folder (``calclearn/`` by default) or, on later clicks, pulls the
instructor's new commits into it, and JupyterLab opens the chapter. A
learner's own changes are never overwritten: nbgitpuller merges upstream
changes around them and keeps the learner's version of a file both changed.

From a shell, ``python -m calclearn.classroom HUB_URL [CHAPTER]`` prints the
link (``--help`` for the options).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

#: Where the course lives, and the branch a class follows.
COURSE_REPOSITORY = "https://github.com/calclearn/calclearn"
COURSE_BRANCH = "main"

#: The path that opens a notebook, by the interface that opens it.
INTERFACES = {"lab": "lab/tree", "notebook": "notebooks"}

# A notebook of the course, as its file name: two digits, "_", a name.
_NOTEBOOK_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+$")
_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _chapter_notebook(chapter: int | str) -> str:
    """The file name of ``chapter``: a number, or the notebook's name."""
    if isinstance(chapter, bool) or not isinstance(chapter, (int, str)):
        raise TypeError(
            "chapter must be a chapter number (int) or a notebook name such as "
            f"'01_derivatives', got {type(chapter).__name__}"
        )
    if isinstance(chapter, str):
        stem = chapter.strip().removeprefix("notebooks/").removesuffix(".ipynb")
        if not _NOTEBOOK_NAME.match(stem):
            raise ValueError(
                "chapter must name a notebook of the course such as "
                f"'01_derivatives' or '01_derivatives.ipynb', got {chapter!r}"
            )
        return f"{stem}.ipynb"
    if chapter < 0:
        raise ValueError(f"chapter must be 0 or more, got {chapter}")
    found = sorted(_NOTEBOOKS.glob(f"{chapter:02d}_*.ipynb"))
    if not found:
        raise ValueError(
            f"chapter {chapter}: no notebook {chapter:02d}_*.ipynb in {_NOTEBOOKS} "
            "(give the notebook's name instead, e.g. '01_derivatives')"
        )
    return found[0].name


def _hub_root(hub_url: str) -> str:
    if not isinstance(hub_url, str):
        raise TypeError(f"hub_url must be a string, got {type(hub_url).__name__}")
    parts = urlsplit(hub_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            "hub_url must be the hub's address, such as 'https://hub.example.edu', "
            f"got {hub_url!r}"
        )
    path = parts.path.rstrip("/").removesuffix("/hub")
    return f"{parts.scheme}://{parts.netloc}{path}"


def nbgitpuller_link(
    hub_url: str,
    chapter: int | str = 0,
    *,
    repository: str = COURSE_REPOSITORY,
    branch: str = COURSE_BRANCH,
    interface: str = "lab",
) -> str:
    """The link that gives a learner ``chapter`` of the course on a JupyterHub.

    The link goes to the hub's ``/hub/user-redirect/git-pull``: the hub logs
    the learner in, starts their server and hands the request to nbgitpuller
    there, which clones ``repository`` into the folder named after it (or
    merges its new commits into that folder) and opens the chapter.

    Parameters
    ----------
    hub_url : str
        The hub's address, e.g. ``"https://hub.example.edu"`` (a trailing
        ``/`` or ``/hub/`` is dropped).
    chapter : int or str, default 0
        The chapter's number (looked up in the course's ``notebooks/``), or
        its notebook's name, e.g. ``"01_derivatives"`` or
        ``"01_derivatives.ipynb"``. 0 is the start page.
    repository : str, default the course's GitHub repository
        The git URL nbgitpuller clones; a class may use its own fork.
    branch : str, default ``"main"``
        The branch the class follows.
    interface : {"lab", "notebook"}, default "lab"
        JupyterLab, or Jupyter Notebook 7.

    Returns
    -------
    str
        ``{hub}/hub/user-redirect/git-pull?repo=...&urlpath=...&branch=...
        &targetpath=...``, every parameter URL-encoded: the course goes to the
        folder named after the repository (``calclearn``, without ``.git``)
        and ``urlpath`` is ``lab/tree/<folder>/notebooks/<chapter>.ipynb``.

    Raises
    ------
    TypeError, ValueError
        For an address that is not an http(s) URL, an unknown chapter or
        interface, or an empty repository or branch, naming the argument.

    Examples
    --------
    >>> print(nbgitpuller_link("https://hub.example.edu/", "03_gradient"))
    https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fcalclearn%2Fcalclearn&urlpath=lab%2Ftree%2Fcalclearn%2Fnotebooks%2F03_gradient.ipynb&branch=main&targetpath=calclearn
    """
    root = _hub_root(hub_url)
    notebook = _chapter_notebook(chapter)
    for name, value in (("repository", repository), ("branch", branch)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if interface not in INTERFACES:
        raise ValueError(
            f"interface must be one of {tuple(INTERFACES)}, got {interface!r}"
        )
    folder = repository.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    query = urlencode(
        {
            "repo": repository,
            "urlpath": f"{INTERFACES[interface]}/{folder}/notebooks/{notebook}",
            "branch": branch,
            # nbgitpuller's own default keeps a ".git" at the end of the name.
            "targetpath": folder,
        }
    )
    return f"{root}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> None:
    """``python -m calclearn.classroom HUB_URL [CHAPTER]``: print the link."""
    parser = argparse.ArgumentParser(
        prog="python -m calclearn.classroom",
        description="Print the nbgitpuller link that gives a class a chapter "
        "of the course on a JupyterHub.",
    )
    parser.add_argument(
        "hub_url", help="the hub's address, e.g. https://hub.example.edu"
    )
    parser.add_argument(
        "chapter",
        nargs="?",
        default="0",
        help="chapter number or notebook name, e.g. 3 or 03_gradient (default: 0, "
        "the start page)",
    )
    parser.add_argument("--repository", default=COURSE_REPOSITORY)
    parser.add_argument("--branch", default=COURSE_BRANCH)
    parser.add_argument("--interface", choices=tuple(INTERFACES), default="lab")
    arguments = parser.parse_args(argv)
    chapter = arguments.chapter
    try:
        link = nbgitpuller_link(
            arguments.hub_url,
            int(chapter) if chapter.isdigit() else chapter,
            repository=arguments.repository,
            branch=arguments.branch,
            interface=arguments.interface,
        )
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    print(link)


if __name__ == "__main__":
    main()
