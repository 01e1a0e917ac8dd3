"""Schemathesis against the running app: every operation of the API, with a valid token, on data that exists,
gets no 5xx and no answer that breaks the OpenAPI document (status, content type, headers, body), whatever the
path and query parameters generated from that document.

The app is served on a free loopback port (the ``base_url`` fixture: a real HTTP server, so compressed answers
are read as a client reads them) on the test database, and schemathesis loads the document it serves. The
hypothesis profile of ``tests/conftest.py`` applies: examples are derived from each test on CI (CI=true), so a
CI run is repeatable; ``max_examples`` keeps the run well under a minute.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from survey_app.extensions import db
from survey_app.services import api_tokens, responses
from survey_app.services.groups import get_group
from tests.survey_app.conftest import DURING
from tests.survey_app.console_support import make_staff
from tests.survey_app.respondent_support import submit_through_invitation

# The slug the document gives as the example of every {slug}: schemathesis' example phase reads real rows.
EXAMPLE_SLUG = "par-2026-dept"


@pytest.fixture
def admin_token(surveys, storage_questionnaire, app) -> str:
    """A survey named as the document's example, with answers online and on paper, and an admin's token."""
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey
    from tests.survey_app.conftest import CLOSES, OPENS

    survey = create_survey(slug=EXAMPLE_SLUG, title="PAR 2026", anonymous=True, access="invitation",
                           groups=["dept_leader"], opens_at=OPENS, closes_at=CLOSES,
                           questionnaire_version=publish_questionnaire(storage_questionnaire))
    survey.unit = surveys["HP"]
    submit_through_invitation(survey, surveys["HP-HB"], {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A"]},
                                                         "S2": {"Q4_a": "A"}}, storage_questionnaire, DURING)
    responses.enter_paper(survey, surveys["HP-SNV"], get_group("dept_leader"), {"Q1": "2", "Q5": "=1+1 ư"},
                          storage_questionnaire, day=date(2026, 6, 2))
    db.session.commit()
    _, token = api_tokens.create_token(make_staff("admin@example.vn", "admin"), "schemathesis")
    db.session.commit()
    app.config["RATELIMIT_API"] = "100000 per minute"  # the run itself must not meet the rate limit
    return token


def operations(base_url: str) -> list:
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def run_cases(strategy, max_examples: int, seen: list[int]) -> None:
    """Call the app with each generated case and apply schemathesis' default checks (no 5xx; status, content
    type, headers and body as documented; invalid input refused with a 4xx)."""

    @given(case=strategy)
    @settings(max_examples=max_examples, suppress_health_check=list(HealthCheck), phases=PHASES)
    def check(case):
        seen.append(case.call_and_validate().status_code)

    check()


PHASES = (Phase.explicit, Phase.generate)  # no shrinking or replay database: a failure is reported as found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_answers_as_documented(base_url, admin_token, mode):
    """Generated slugs and query parameters (valid ones, then invalid ones) on every operation."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    found = operations(base_url)
    assert len(found) == 5, [op.label for op in found]
    for operation in found:
        if mode is GenerationMode.NEGATIVE and not (len(operation.path_parameters) or len(operation.query)):
            continue  # GET /surveys takes no parameter: there is nothing to make invalid
        seen: list[int] = []
        run_cases(operation.as_strategy(mode, headers=headers), 25, seen)
        assert seen and max(seen) < 500, (operation.label, seen)


def test_every_operation_on_a_real_survey_returns_bodies_that_match_the_document(base_url, admin_token):
    """The same checks with the survey that exists, so the 200 bodies (rows, pages, codebook) are validated."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    for operation in operations(base_url):
        fixed = {"slug": EXAMPLE_SLUG} if "{slug}" in operation.path else None
        seen: list[int] = []
        run_cases(operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=fixed), 10, seen)
        assert 200 in seen, (operation.label, seen)
