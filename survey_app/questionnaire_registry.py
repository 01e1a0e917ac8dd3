"""The questionnaires shipped in ``questionnaires/definitions`` plus configured folders, loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app

from questionnaires.model import Questionnaire

BUNDLED = Path(__file__).resolve().parents[1] / "questionnaires"


@lru_cache(maxsize=8)
def _load(folders: tuple[str, ...]) -> dict[str, Questionnaire]:
    from questionnaires.loader import load_directory

    found: dict[str, Questionnaire] = {}
    for folder in folders:
        for questionnaire in load_directory(Path(folder)):
            found[questionnaire.key] = questionnaire
    return found


def bundled_questionnaires() -> dict[str, Questionnaire]:
    """Questionnaires by ``id@version``; invalid files never reach here (``load_directory`` raises)."""
    folders = (str(BUNDLED), *current_app.config.get("QUESTIONNAIRE_DIRS", []))
    return _load(folders)
