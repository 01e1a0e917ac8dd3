"""The questionnaires this app can publish and preview: the bundled ones plus ``PARSURVEY_QUESTIONNAIRE_DIRS``.

Not to be confused with :func:`questionnaires.loader.bundled_questionnaires` (the bundled files alone, as a list):
this one adds the configured folders and keys every questionnaire by ``id@version``. Loaded once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app

from questionnaires.loader import BUNDLED_DIR, load_directory
from questionnaires.model import Questionnaire


@lru_cache(maxsize=8)
def _load(folders: tuple[str, ...]) -> dict[str, Questionnaire]:
    found: dict[str, Questionnaire] = {}
    for folder in folders:
        for questionnaire in load_directory(Path(folder)):
            found[questionnaire.key] = questionnaire
    return found


def available_questionnaires() -> dict[str, Questionnaire]:
    """Questionnaires by ``id@version``; invalid files never reach here (``load_directory`` raises)."""
    folders = (str(BUNDLED_DIR), *current_app.config.get("QUESTIONNAIRE_DIRS", []))
    return _load(folders)
