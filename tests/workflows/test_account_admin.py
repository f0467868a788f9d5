"""Account administration and upload bundles at the command layer: rules, the record, no secret in it."""

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from tests.conftest import make_actor
from workflows.accounts import admin as account_admin
from workflows.errors import DeployError
from workflows.errors import InvalidData
from workflows.processes import process_versions

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="fill"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="forms/fill.json"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>"""


def test_every_change_is_on_record_and_no_password_or_token_is(sessions, clock):
    admin = make_actor(sessions, "root", "admin")
    with sessions.begin() as session:
        user = account_admin.create_user(session, admin, clock.now(), username="zhao", display_name="赵",
                                         roles=["discipline"], password="secret-one-1", profile="fast")
        account_admin.reset_password(session, admin, clock.now(), user.id, "secret-two-2", "fast")
        account_admin.set_roles(session, admin, clock.now(), user.id, ["discipline", "auditor"])
        account_admin.set_roles(session, admin, clock.now(), user.id, ["discipline", "auditor"])  # no change
        row, token = account_admin.issue_token(session, admin, clock.now(), user.id, "导出")
        account_admin.revoke_token(session, admin, clock.now(), row.id)
        account_admin.set_active(session, admin, clock.now(), user.id, False)
        with pytest.raises(InvalidData, match="已停用"):
            account_admin.issue_token(session, admin, clock.now(), user.id)
        assert user.roles == {"discipline", "auditor"} and user.created_at == clock.now()
    with sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.type.like("user.%")).order_by(AuditEvent.seq))
        rows = list(rows)
    assert [row.type for row in rows] == ["user.created", "user.password_reset", "user.roles_changed",
                                          "user.token_created", "user.token_revoked", "user.disabled"]
    assert {row.role for row in rows} == {"admin"}
    for secret in ("secret-one-1", "secret-two-2", token):
        assert not any(secret in row.payload for row in rows)


def test_an_admin_may_change_another_admin_but_not_their_own_admin_role(sessions, clock):
    first, second = make_actor(sessions, "root", "admin"), make_actor(sessions, "root2", "admin")
    with sessions.begin() as session:
        with pytest.raises(InvalidData) as refused:
            account_admin.set_roles(session, first, clock.now(), first.user_id, [])
        assert "自己的系统管理员角色" in refused.value.errors["roles"]
        with pytest.raises(InvalidData):
            account_admin.set_active(session, first, clock.now(), first.user_id, False)
        account_admin.set_roles(session, first, clock.now(), second.user_id, ["auditor"])
        account_admin.set_roles(session, first, clock.now(), first.user_id, ["admin", "auditor"])
        assert account_admin.get_user(session, second.user_id).roles == {"auditor"}


def test_uploaded_forms_are_keyed_as_the_model_names_them():
    bundle, ignored = process_versions.bundle_from_uploads(
        [("C:\\models\\p.bpmn", BPMN), ("fill.json", b"{}"), ("spare.json", b"{}")])
    assert sorted(bundle.files) == ["forms/fill.json", "p.bpmn"] and ignored == ["spare.json"]
    with pytest.raises(DeployError) as missing:
        process_versions.bundle_from_uploads([("p.bpmn", BPMN)])
    assert (missing.value.file, missing.value.element) == ("p.bpmn", "fill")
    with pytest.raises(DeployError, match="同名文件"):
        process_versions.bundle_from_uploads([("p.bpmn", BPMN), ("a/fill.json", b"{}"), ("b/fill.json", b"{}")])
