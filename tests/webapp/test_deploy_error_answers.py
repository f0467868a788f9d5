"""A refused deployment shows the element's id and name on the admin page and in the API's error body."""

import io

import pytest

from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows.errors import DeployError
from workflows.text import t

TWO_LANE = (DATA / "two_lane.bpmn").read_text(encoding="utf-8")


def upload(client, bpmn: str):
    """``bpmn`` as two_lane.bpmn with the fixture's forms."""
    files = [(io.BytesIO(bpmn.encode()), "two_lane.bpmn"),
             *[(io.BytesIO((DATA / "forms" / name).read_bytes()), name) for name in ("prepare.json", "review.json")]]
    return client.post("/admin/processes", data={"files": files}, content_type="multipart/form-data")


@pytest.fixture
def site(app):
    app.config["WTF_CSRF_ENABLED"] = False

    @app.get("/api/v1/deploy-probe")  # no API route deploys; this one shows how a refusal is answered there
    def deploy_probe():
        raise DeployError(t("这个流程没有开始事件"), "m.bpmn", "p1", "审批\n流程")

    add_user(app, "root", "admin")
    return app


def test_the_page_names_the_element_by_id_and_name(site):
    admin = signed_in(site, "root")
    broken = TWO_LANE.replace('targetRef="publicity">', 'targetRef="nowhere">')
    response = upload(admin, broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<dd id="error-element">f_approved</dd>' in page  # the flow has no name: none is shown
    broken = TWO_LANE.replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P5D"',
                              '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P5D')
    page = upload(admin, broken).get_data(as_text=True)
    assert '<dd id="error-element">publicity <span id="error-element-name">「公示期」</span></dd>' in page


def test_the_api_error_body_carries_file_element_name_and_reason(site):
    token = add_user(site, "reader", "auditor")
    response = site.test_client().get("/api/v1/deploy-probe", headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json() == {
        "error": "deploy_error", "message": "m.bpmn / 元素 p1「审批 流程」：这个流程没有开始事件",
        "file": "m.bpmn", "element": "p1", "element_name": "审批 流程", "reason": "这个流程没有开始事件"}
