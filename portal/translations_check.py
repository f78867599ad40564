"""Is the Welsh catalogue complete and up to date? Used by `flask translations check` and CI."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

from portal.config import ROOT

TRANSLATIONS = ROOT / "portal" / "translations"
POT = TRANSLATIONS / "messages.pot"
WELSH_PO = TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po"


def _ids(path: Path) -> set:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def extract_now() -> set:
    """The message ids in the code as it is now."""
    from portal.cli import EXTRACT_ARGS

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "messages.pot"
        subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", *EXTRACT_ARGS,
                        "-o", str(out), "."], check=True, cwd=ROOT, capture_output=True)
        return _ids(out)


def header_problems(catalogue) -> list[str]:
    """A catalogue whose header is marked fuzzy is skipped whole by `pybabel compile`: every
    Welsh page would fall back to English (a merge left the header fuzzy once)."""
    if catalogue.fuzzy:
        return ["The Welsh catalogue's header is marked '#, fuzzy': pybabel compile skips the "
                "whole catalogue. Remove that flag from the header."]
    return []


def catalogue_problems() -> list[str]:
    problems: list[str] = []
    if not POT.exists() or not WELSH_PO.exists():
        return ["The translation catalogue is missing: run `flask translations update`."]
    in_code = extract_now()
    if in_code != _ids(POT):
        problems.append("messages.pot is out of date: run `flask translations update`, translate, "
                        "then `flask translations compile`.")
    with WELSH_PO.open("rb") as handle:
        welsh = read_po(handle)
    problems.extend(header_problems(welsh))
    for message in welsh:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            shown = message.id if isinstance(message.id, str) else message.id[0]
            problems.append(f"No Welsh translation for: {shown!r}")
    missing = {m if isinstance(m, str) else m[0] for m in in_code} - {
        m.id if isinstance(m.id, str) else m.id[0] for m in welsh if m.id}
    problems.extend(f"Not in the Welsh catalogue: {m!r}" for m in sorted(missing))
    return problems
