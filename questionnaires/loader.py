"""Load questionnaire and methodology files into frozen, checked objects.

A file is read with line numbers (``yaml_lines``), checked against the JSON Schema (``schema_check``), built
(``build``) and checked for meaning (``checks``, ``expression_checks``, ``methodology_checks``). Any problem
raises ``QuestionnaireError`` with all of them; nothing half-valid is ever returned.

A questionnaire's checksum is the SHA-256 of the canonical JSON of its snapshot, which includes the methodology it
uses: changing a weight in the methodology makes a different questionnaire version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.build import Finding, build_methodology, build_questionnaire, thaw
from questionnaires.checks import questionnaire_findings
from questionnaires.expression_checks import expression_findings
from questionnaires.feature_checks import feature_findings
from questionnaires.methodology_checks import methodology_findings
from questionnaires.model import Methodology, Questionnaire
from questionnaires.option_files import inline_option_files
from questionnaires.piping_checks import piping_findings
from questionnaires.problems import Problem, QuestionnaireError, format_path
from questionnaires.schema_check import KINDS, schema_problems
from questionnaires.yaml_lines import LineMap, parse_yaml

__all__ = [
    "BUNDLED_DIR", "Problem", "QuestionnaireError", "bundled_methodologies", "bundled_questionnaires",
    "checksum_of", "from_snapshot", "load_directory", "load_file", "load_files", "load_methodologies",
    "methodology_from_dict", "questionnaire_from_dict", "snapshot",
]

BUNDLED_DIR = Path(__file__).resolve().parent
SNAPSHOT_FORMAT = 1
YAML_SUFFIXES = (".yaml", ".yml")
MethodologyFinder = Callable[[str], Methodology | None]


def checksum_of(data: Any) -> str:
    """SHA-256 hex of the canonical JSON (sorted keys, no spaces, UTF-8) of ``data``."""
    canonical = json.dumps(thaw(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _problems(findings: Iterable[Finding], lines: LineMap | None, file: str | None) -> list[Problem]:
    lines = lines or LineMap()
    found = [Problem(file, lines.line_for(path), format_path(path), message) for path, message in findings]
    return sorted(found, key=lambda p: (p.line or 0, p.path))


def _kind_problem(data: Any, file: str | None) -> Problem | None:
    if not isinstance(data, dict):
        return Problem(file, 1, "", "expected a mapping with 'kind: questionnaire' or 'kind: methodology'")
    if data.get("kind") not in KINDS:
        return Problem(file, None, "kind", f"'kind' must be 'questionnaire' or 'methodology', got {data.get('kind')!r}")
    return None


def methodology_from_dict(data: Any, path: str | None = None, lines: LineMap | None = None) -> Methodology:
    """A checked Methodology from parsed file data (raises QuestionnaireError)."""
    lines = lines or LineMap()
    problems = schema_problems(data, "methodology", lines, path)
    if problems:
        raise QuestionnaireError(problems)
    methodology = build_methodology(data, checksum_of(data), path)
    problems = _problems(methodology_findings(methodology), lines, path)
    if problems:
        raise QuestionnaireError(problems)
    return methodology


def questionnaire_from_dict(
    data: Any,
    methodologies: Mapping[str, Methodology] | None = None,
    path: str | None = None,
    lines: LineMap | None = None,
    fallback_to_bundled: bool = True,
) -> Questionnaire:
    """A checked Questionnaire from parsed data; methodologies are looked up by id, then among the bundled ones."""
    file = str(path) if path is not None else None
    lines = lines or LineMap()
    problems = schema_problems(data, "questionnaire", lines, file)
    if problems:
        raise QuestionnaireError(problems)
    findings: list[Finding] = []
    finder = _finder(methodologies or {}, fallback_to_bundled)
    questionnaire = build_questionnaire(data, finder, findings)
    findings += questionnaire_findings(questionnaire)
    findings += expression_findings(questionnaire)
    findings += piping_findings(questionnaire)
    findings += feature_findings(questionnaire)
    problems = _problems(findings, lines, file)
    if problems:
        raise QuestionnaireError(problems)
    return replace(questionnaire, checksum=checksum_of(snapshot(questionnaire)), path=file)


def _finder(methodologies: Mapping[str, Methodology], fallback_to_bundled: bool) -> MethodologyFinder:
    def find(methodology_id: str) -> Methodology | None:
        if methodology_id in methodologies:
            return methodologies[methodology_id]
        if not fallback_to_bundled:
            return None
        try:
            return bundled_methodologies().get(methodology_id)
        except QuestionnaireError:
            return None

    return find


def snapshot(questionnaire: Questionnaire) -> dict:
    """The JSON-serialisable record of a questionnaire version, with the methodology it uses."""
    methodology = questionnaire.methodology
    return {
        "format": SNAPSHOT_FORMAT,
        "questionnaire": thaw(questionnaire.raw),
        "methodology": thaw(methodology.raw) if methodology is not None else None,
    }


def from_snapshot(data: Mapping[str, Any]) -> Questionnaire:
    """The Questionnaire stored by ``snapshot`` (checked again; never looks at the files on disk)."""
    if not isinstance(data, Mapping) or data.get("format") != SNAPSHOT_FORMAT or "questionnaire" not in data:
        raise QuestionnaireError([Problem(None, None, "format", "not a questionnaire snapshot (format 1)")])
    methodologies = {}
    if data.get("methodology"):
        methodology = methodology_from_dict(data["methodology"])
        methodologies[methodology.id] = methodology
    return questionnaire_from_dict(data["questionnaire"], methodologies, fallback_to_bundled=False)


@dataclass
class LoadResult:
    """Everything found in a set of files: what loaded, and every problem of what did not."""

    questionnaires: list[Questionnaire] = field(default_factory=list)
    methodologies: dict[str, Methodology] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """The YAML files named, or found (recursively, in name order) in the folders named."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def load_files(files: Iterable[str | Path], fallback_to_bundled: bool = True) -> LoadResult:
    """Load methodologies first, then the questionnaires that may name them; collect every problem."""
    result = LoadResult()
    parsed = []
    for path in files:
        result.files_checked += 1
        file = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            line = Path(path).read_bytes()[: error.start].count(b"\n") + 1
            result.problems.append(Problem(file, line, "", "the file is not UTF-8 text: save it as UTF-8"))
            continue
        except OSError as error:
            result.problems.append(Problem(file, None, "", f"cannot read the file: {error.strerror or error}"))
            continue
        document = parse_yaml(text, file)
        problem = None if document.problems else _kind_problem(document.data, file)
        result.problems += document.problems + ([problem] if problem else [])
        if not document.problems and problem is None:
            parsed.append((file, document))
    broken: dict[str, str] = {}  # methodology id -> file, for methodologies that did not load
    for file, document in parsed:
        if document.data["kind"] == "methodology" and not _add_methodology(result, file, document):
            broken.setdefault(str(document.data.get("id")), file)
    for file, document in parsed:
        if document.data["kind"] != "questionnaire":
            continue
        named = document.data.get("methodology")
        if named in broken and named not in result.methodologies:
            result.problems.append(Problem(file, document.lines.line_for(("methodology",)), "methodology",
                                           f"methodology '{named}' has problems (see {broken[named]}); "
                                           "this questionnaire is checked once it loads"))
            continue
        option_problems = inline_option_files(document.data, Path(file).parent, file)
        if option_problems:
            result.problems += option_problems
            continue
        _add_questionnaire(result, file, document, fallback_to_bundled)
    return result


def _add_methodology(result: LoadResult, file: str, document) -> bool:
    try:
        methodology = methodology_from_dict(document.data, file, document.lines)
    except QuestionnaireError as error:
        result.problems += error.problems
        return False
    if methodology.id in result.methodologies:
        other = result.methodologies[methodology.id].path
        result.problems.append(Problem(file, document.lines.line_for(("id",)), "id",
                                       f"methodology '{methodology.id}' is also defined in {other}"))
        return True
    result.methodologies[methodology.id] = methodology
    return True


def _add_questionnaire(result: LoadResult, file: str, document, fallback_to_bundled: bool) -> None:
    try:
        questionnaire = questionnaire_from_dict(
            document.data, result.methodologies, file, document.lines, fallback_to_bundled
        )
    except QuestionnaireError as error:
        result.problems += error.problems
        return
    twin = next((q for q in result.questionnaires if q.key == questionnaire.key), None)
    if twin is not None:
        result.problems.append(Problem(file, document.lines.line_for(("version",)), "version",
                                       f"questionnaire {questionnaire.key} is also defined in {twin.path}"))
        return
    result.questionnaires.append(questionnaire)


def _raise_if_problems(result: LoadResult) -> LoadResult:
    if result.problems:
        raise QuestionnaireError(result.problems)
    return result


def load_file(path: str | Path) -> Questionnaire | Methodology:
    """One file; a questionnaire finds its methodology beside it, in ``../methodology/``, or among the bundled."""
    path = Path(path)
    neighbours: list[Path] = []
    if not _is_methodology(path):  # a methodology stands alone; a questionnaire may need one beside it
        folders = {p.resolve(): p for p in (path.parent, path.parent.parent / "methodology") if p.is_dir()}
        neighbours = [f for f in yaml_files(list(folders.values())) if f.resolve() != path.resolve()
                      and _is_methodology(f)]
    result = _raise_if_problems(load_files([*neighbours, path]))
    if result.questionnaires:
        return result.questionnaires[0]
    return next(m for m in result.methodologies.values() if m.path == str(path))


def _is_methodology(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False
    return any(line.strip() == "kind: methodology" for line in head.splitlines())


def load_methodologies(folder: str | Path) -> dict[str, Methodology]:
    """Every methodology file in ``folder`` by id (raises QuestionnaireError on any problem)."""
    files = [f for f in yaml_files([folder]) if _is_methodology(f)]
    return _raise_if_problems(load_files(files)).methodologies


def load_directory(folder: str | Path) -> list[Questionnaire]:
    """Every questionnaire under ``folder`` (its ``methodology/`` and ``definitions/`` or any YAML files)."""
    return _raise_if_problems(load_files(yaml_files([folder]))).questionnaires


@cache
def bundled_methodologies() -> dict[str, Methodology]:
    """The methodologies shipped in ``questionnaires/methodology`` (loaded once)."""
    return load_methodologies(BUNDLED_DIR / "methodology")


@cache
def _bundled() -> tuple[Questionnaire, ...]:
    return tuple(load_directory(BUNDLED_DIR))


def bundled_questionnaires() -> list[Questionnaire]:
    """The questionnaires shipped in ``questionnaires/definitions`` (loaded once)."""
    return list(_bundled())
