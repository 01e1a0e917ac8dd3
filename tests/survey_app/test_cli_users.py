"""``parsurvey users``: accounts made from the shell, passwords from a prompt or stdin, never stored in clear."""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import AuditEntry, StaffUser
from tests.survey_app.conftest import add_units


def test_create_with_password_stdin_then_list_and_disable(ctx, runner):
    add_units()
    db.session.commit()
    made = runner.invoke(args=["users", "create", "Anh@Sonv.gov.vn", "--role", "coordinator", "--unit", "HP-SNV",
                               "--password-stdin"], input="a long secret phrase\n")
    assert made.exit_code == 0, made.output
    user = db.session.query(StaffUser).one()
    assert user.email == "anh@sonv.gov.vn" and user.unit.code == "HP-SNV"
    assert "a long secret phrase" not in user.password_hash and user.password_hash.startswith("scrypt:")

    listed = runner.invoke(args=["users", "list"])
    assert "anh@sonv.gov.vn\tcoordinator\tHP-SNV\tactive" in listed.output

    disabled = runner.invoke(args=["users", "disable", "anh@sonv.gov.vn"])
    assert disabled.exit_code == 0
    db.session.expire_all()
    assert not db.session.query(StaffUser).one().active
    assert "\tdisabled" in runner.invoke(args=["users", "list"]).output
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["user_created", "user_disabled"]


def test_password_from_prompt_asks_twice(ctx, runner):
    result = runner.invoke(args=["users", "create", "admin@tinh.gov.vn", "--role", "admin"],
                           input="first secret phrase\nfirst secret phrase\n")
    assert result.exit_code == 0, result.output
    assert db.session.query(StaffUser).one().role == "admin"


def test_bad_input_is_refused_with_the_reason(ctx, runner):
    add_units()
    db.session.commit()
    cases = [
        (["not-an-email", "--role", "admin"], "is not an e-mail address"),
        (["a@b.vn", "--role", "coordinator"], "give --unit CODE"),
        (["a@b.vn", "--role", "coordinator", "--unit", "NOPE"], "no unit has the code 'NOPE'"),
        (["a@b.vn", "--role", "analyst", "--unit", "HP"], "--unit applies to coordinator and data_entry only"),
        (["a@b.vn", "--role", "admin"], "at least 10 characters"),
    ]
    for args, message in cases:
        password = "short\n" if "admin" in args and "a@b.vn" in args else "long enough secret\n"
        result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    bad_role = runner.invoke(args=["users", "create", "a@b.vn", "--role", "boss", "--password-stdin"])
    assert bad_role.exit_code == 2 and "admin" in bad_role.output
    assert runner.invoke(args=["users", "disable", "nobody@b.vn"]).exit_code == 1
    assert db.session.query(StaffUser).count() == 0
