"""Content files on disk <-> the {path: text} sets that revisions hold.

A content folder has the layout of the checkout: procedures/<id>.yaml, flows.yaml, lexicon.yaml,
outreach.yaml, portal.json. `motcua export DIR` writes one; `motcua import DIR` reads one; the first start
reads the files the settings name (which need not share a folder).
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.content.content_set import FLOWS, LEXICON, OUTREACH, PORTAL, PROCEDURES, Files
from bot.errors import UNREADABLE, ContentInvalid, Problem


def _read(path: Path, name: str, files: Files, problems: list[Problem]) -> None:
    try:
        files[name] = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem.of(name, 1, "(file)", "not_utf8", "the file is not UTF-8 text"))
    except OSError as err:
        problems.append(Problem.of(name, 1, "(file)", "unreadable", UNREADABLE, why=str(err.strerror)))


def read_files(
    procedures_dir: Path, flows: Path, lexicon: Path | None, outreach: Path | None, portal: Path | None = None
) -> Files:
    """The content set from these places; the lexicon, outreach and portal tier files are optional."""
    files: Files = {}
    problems: list[Problem] = []
    for path in sorted(procedures_dir.glob("*.yaml")):
        _read(path, f"{PROCEDURES}/{path.name}", files, problems)
    _read(flows, FLOWS, files, problems)
    for optional, name in ((lexicon, LEXICON), (outreach, OUTREACH), (portal, PORTAL)):
        if optional is not None and optional.exists():
            _read(optional, name, files, problems)
    if problems:
        raise ContentInvalid(problems)
    return files


def settings_files(settings: Settings) -> Files:
    """What the first start imports: the files MOTCUA_CATALOGUE_DIR and MOTCUA_FLOWS_FILE name."""
    return read_files(
        settings.catalogue_dir,
        settings.flows_file,
        settings.lexicon_file,
        settings.outreach_file,
        settings.portal_file,
    )


def folder_files(folder: Path) -> Files:
    if not folder.is_dir():
        raise ContentInvalid([Problem(str(folder), 1, "(folder)", "no such folder")])
    return read_files(
        folder / PROCEDURES, folder / FLOWS, folder / LEXICON, folder / OUTREACH, folder / PORTAL
    )


def write_folder(folder: Path, files: Files) -> list[str]:
    """Write the set under `folder`; procedure files not in the set are removed, so that a diff in git
    shows a deleted procedure too. Returns the paths written."""
    (folder / PROCEDURES).mkdir(parents=True, exist_ok=True)
    for stale in (folder / PROCEDURES).glob("*.yaml"):
        if f"{PROCEDURES}/{stale.name}" not in files:
            stale.unlink()
    for name, text in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    return sorted(files)
