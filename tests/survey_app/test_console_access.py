"""Every console route, walked with every role (and a coordinator of another unit): 200, 403 or the login page.

The expected answers are written here, independently of ``services.access.RULES``: a new route fails this test
until it declares its rule and is listed below; a route without a declared rule is refused (403) to everyone.
"""

from __future__ import annotations

import re

import pytest

from survey_app.extensions import db
from tests.survey_app.conftest import CLOSES, OPENS, add_units
from tests.survey_app.console_support import logged_in, make_staff

EVERYONE = {"admin", "coordinator", "data_entry", "analyst"}
# endpoint -> roles allowed; "coordinator" is the survey's own unit (HP-SNV), "other" a coordinator of HP-HB.
ALLOWED = {
    "console.home": EVERYONE | {"other"},
    "console.password": EVERYONE | {"other"},
    "console.logout": EVERYONE | {"other"},
    "console.users": {"admin"},
    "console.audit_log": {"admin"},
    "console.participation": {"admin", "coordinator", "analyst"},
    "console.frame": {"admin", "coordinator", "other"},
    "console.confirm_frame": {"admin", "coordinator", "other"},
    "console.new_survey": {"admin", "coordinator", "other"},
    "console.survey": {"admin", "coordinator"},
    "console.schedule": {"admin", "coordinator"},
    "console.issue_codes": {"admin", "coordinator"},
    "console.revoke_code": {"admin", "coordinator"},
    "console.mark_case": {"admin", "coordinator"},
    "console.poster": {"admin", "coordinator"},
    "console.tokens": EVERYONE | {"other"},
    "console.revoke_token": EVERYONE | {"other"},
    "console.survey_exports": {"admin", "analyst"},
    "console.export_job": {"admin", "analyst"},  # the analyst's own export: its requester and admins
    "console.export_file": {"admin", "analyst"},
    "console.paper_home": {"admin", "coordinator", "data_entry", "other"},
    "console.paper_start": {"admin", "coordinator", "data_entry"},
    "console.paper_double_entry": {"admin", "coordinator"},
    "console.paper_template": {"admin", "coordinator", "data_entry"},
    # an entry is seen only by the operator typing it (double entry is blind), and only in that operator's units
    "console.paper_page": {"data_entry"},
    "console.paper_finish": {"data_entry"},
    "console.paper_resolve": {"admin", "coordinator"},
    "preview.index": EVERYONE | {"other"},
    "preview.show": EVERYONE | {"other"},
}
PUBLIC = {"console.login"}
ACCOUNTS = {"admin": ("admin", None), "coordinator": ("coordinator", "HP-SNV"), "other": ("coordinator", "HP-HB"),
            "data_entry": ("data_entry", "HP-SNV"), "analyst": ("analyst", None)}
# An open survey's poster needs its unit in the query; the other routes take the closed survey.
URLS = {"console.poster": "/console/surveys/dept-open/poster?unit=HP-SNV"}
ARGUMENTS = {"slug": "dept-survey", "questionnaire_id": "par_f02_dept_leader", "version": "2021.1",
             "token_id": "1"}


@pytest.fixture
def world(app):
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.services import export_jobs
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    with app.app_context():
        units = add_units()
        version = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "par_f02_dept_leader.yaml"))
        survey = create_survey(slug="dept-survey", title="Dept", questionnaire_version=version, anonymous=True,
                               access="invitation", groups=["dept_leader"], opens_at=OPENS, closes_at=CLOSES)
        survey.unit = units["HP-SNV"]
        create_survey(slug="dept-open", title="Open", questionnaire_version=version, anonymous=True,
                      access="open", groups=["dept_leader"], opens_at=OPENS, closes_at=CLOSES).unit = units["HP-SNV"]
        db.session.commit()
        staff = {name: make_staff(f"{name}@example.vn", role, unit) for name, (role, unit) in ACCOUNTS.items()}
        job = export_jobs.request_export(survey, staff["analyst"], "csv", "vi")
        db.session.commit()  # the export runs at once (QUEUE_IMMEDIATE)
        URLS["console.export_job"] = f"/console/exports/{job.id}"
        URLS["console.export_file"] = f"/console/exports/{job.id}/files/dept-survey.csv"
        URLS.update(_paper_urls(survey, staff))
    return app


def _paper_urls(survey, staff) -> dict[str, str]:
    """The data entry clerk's form in progress (personal code) and a form whose two entries differ (open survey)."""
    from survey_app.models import PaperEntry, PaperForm, Survey
    from survey_app.services import invitations, paper_entry
    from survey_app.services.questionnaire_versions import questionnaire_for

    [code] = invitations.issue(survey, survey.unit, survey.groups[0], 1)
    invitation = paper_entry.invitation_for_code(survey, code, survey.unit, None)
    entry = paper_entry.begin(survey, staff["data_entry"], survey.unit, None, code, questionnaire_for(survey),
                              invitation)
    open_survey = db.session.query(Survey).filter_by(slug="dept-open").one()
    form = PaperForm(survey=open_survey, unit=open_survey.unit, group=open_survey.groups[0], key_hash="0" * 64,
                     entry_number="7")
    db.session.add(form)
    for number, (who, answer) in enumerate((("admin", "1"), ("coordinator", "2")), start=1):
        db.session.add(PaperEntry(form=form, operator=staff[who], pass_number=number, finished=True,
                                  answers={"I1": answer}))
    db.session.commit()
    return {"console.paper_page": f"/console/paper/entries/{entry.id}/p/1",
            "console.paper_finish": f"/console/paper/entries/{entry.id}/finish",
            "console.paper_resolve": f"/console/paper/forms/{form.id}/resolve"}


def console_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in ("console", "preview")]


def url_of(rule) -> str:
    if rule.endpoint in URLS:
        return URLS[rule.endpoint]
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ARGUMENTS[m.group(1)], rule.rule)


def test_every_console_route_is_declared_and_listed(world):
    for rule in console_rules(world):
        view = world.view_functions[rule.endpoint]
        assert getattr(view, "access_rule", None), f"{rule.endpoint} declares no access rule"
        assert rule.endpoint in ALLOWED or rule.endpoint in PUBLIC, f"{rule.endpoint} is not in this test's table"


@pytest.mark.parametrize("who", ["anonymous", *ACCOUNTS])
def test_each_role_gets_the_declared_answer_on_every_route(world, who):
    world.config["WTF_CSRF_ENABLED"] = False
    client = world.test_client()
    if who != "anonymous":
        logged_in(client, f"{who}@example.vn")
    for rule in console_rules(world):
        url = url_of(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={})
            status = response.status_code
            where = f"{who} {method} {url}"
            if rule.endpoint in PUBLIC:
                assert status in (200, 302, 400, 401), where
            elif who == "anonymous":
                assert status == 302 and "/console/login" in response.headers["Location"], (where, status)
            elif who in ALLOWED[rule.endpoint]:
                assert status not in (401, 403) and status < 500, (where, status)
                if method == "GET":
                    assert status == 200, (where, status)
                if rule.endpoint != "console.logout":
                    assert "/console/login" not in response.headers.get("Location", ""), where
            else:
                assert status == 403, (where, status)
            if rule.endpoint == "console.logout" and status == 302 and who != "anonymous":
                logged_in(client, f"{who}@example.vn")  # logging out was the point; carry on walking


def test_a_route_without_a_declared_rule_is_refused(world):
    world.add_url_rule("/console/undeclared", endpoint="console.undeclared", view_func=lambda: "secret")
    client = logged_in(world.test_client(), "admin@example.vn")
    response = client.get("/console/undeclared")
    assert response.status_code == 403 and "secret" not in response.get_data(as_text=True)
