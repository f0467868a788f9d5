"""The administrator's pages: users and roles, API tokens, and process versions with their upload."""

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from webapp import db
from webapp.pages.cases import STATUSES
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from workflows.accounts import admin as account_admin
from workflows.actors import ROLE_NAMES
from workflows.errors import DeployError
from workflows.errors import InvalidData
from workflows.processes import process_versions
from workflows.processes.process_versions import MAX_FILES
from workflows.processes.xml_checks import MAX_FILE_BYTES

bp = Blueprint("admin", __name__, url_prefix="/admin")
UPLOAD_LIMITS = {"files": MAX_FILES, "mib": MAX_FILE_BYTES // (1024 * 1024),
                 "suffixes": "、".join(process_versions.SUFFIXES)}


@bp.get("")
@roles_required("admin")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@roles_required("admin")
def users():
    return _render_users()


@bp.post("/users")
@roles_required("admin")
def create_user():
    form = request.form
    try:
        user = account_admin.create_user(
            db.session(), current_actor(), now(), username=form.get("username", ""),
            display_name=form.get("display_name", ""), roles=form.getlist("roles"),
            password=form.get("password", ""), profile=current_app.config["PASSWORD_PROFILE"])
    except InvalidData as invalid:
        db.rollback()
        return _render_users(invalid.errors, 422)
    flash(f"已创建用户 {user.username}。", "ok")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.get("/users/<int:user_id>")
@roles_required("admin")
def user(user_id: int):
    return _render_user(user_id)


@bp.post("/users/<int:user_id>/roles")
@roles_required("admin")
def set_roles(user_id: int):
    roles = request.form.getlist("roles")
    return _change(user_id, "角色已更新。", lambda: account_admin.set_roles(
        db.session(), current_actor(), now(), user_id, roles), selected=roles)


@bp.post("/users/<int:user_id>/disable")
@roles_required("admin")
def disable(user_id: int):
    return _change(user_id, "已停用该用户：不能再登录，其 API 令牌也不再有效。", lambda: account_admin.set_active(
        db.session(), current_actor(), now(), user_id, False))


@bp.post("/users/<int:user_id>/enable")
@roles_required("admin")
def enable(user_id: int):
    return _change(user_id, "已启用该用户。", lambda: account_admin.set_active(
        db.session(), current_actor(), now(), user_id, True))


@bp.post("/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int):
    return _change(user_id, "密码已重置，请通过安全渠道告知本人。", lambda: account_admin.reset_password(
        db.session(), current_actor(), now(), user_id, request.form.get("password", ""),
        current_app.config["PASSWORD_PROFILE"]))


@bp.get("/tokens")
@roles_required("admin")
def tokens():
    return _render_tokens()


@bp.post("/tokens")
@roles_required("admin")
def create_token():
    user_id = request.form.get("user_id", type=int)
    try:
        if user_id is None:
            raise InvalidData("请选择用户", {"user_id": "请选择令牌所属的用户"})
        row, token = account_admin.issue_token(db.session(), current_actor(), now(), user_id,
                                               request.form.get("label", ""))
    except InvalidData as invalid:
        db.rollback()
        return _render_tokens(invalid.errors, 422)
    # Not a redirect: the token is shown on this answer only (never in the session cookie, never again).
    return _render_tokens(issued=(row, token))


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_token(token_id: int):
    try:
        account_admin.revoke_token(db.session(), current_actor(), now(), token_id)
    except InvalidData as invalid:
        db.rollback()
        return _render_tokens(invalid.errors, 422)
    flash(f"已吊销令牌 #{token_id}，立即失效。", "ok")
    return redirect(url_for("admin.tokens"))


@bp.get("/processes")
@roles_required("admin")
def processes():
    return _render_processes()


@bp.post("/processes")
@roles_required("admin")
def upload():
    chosen = [item for item in request.files.getlist("files") if item.filename]
    try:
        if len(chosen) > MAX_FILES:  # refused before any file is read
            raise DeployError(f"一次最多上传 {MAX_FILES} 个文件，收到 {len(chosen)} 个")
        # One byte over the limit is enough to know a file is too large.
        uploads = [(item.filename, item.stream.read(MAX_FILE_BYTES + 1)) for item in chosen]
        bundle, ignored = process_versions.bundle_from_uploads(uploads)
        stored = process_versions.deploy_bundle(db.session(), bundle, current_actor(), now())
    except DeployError as error:
        db.rollback()
        return _render_processes(error, 422)
    for spec, new in stored:
        if new:
            flash(f"已部署「{spec.name}」（{spec.process_id}）第 {spec.version} 版。", "ok")
        else:
            flash(f"「{spec.name}」与已部署的第 {spec.version} 版内容相同，未新建版本。", "ok")
    if ignored:
        flash(f"以下表单未被流程引用，未部署：{'、'.join(ignored)}", "ok")
    return redirect(url_for("admin.processes"))


def _change(user_id: int, done: str, change, selected: list[str] | None = None):
    try:
        change()
    except InvalidData as invalid:
        db.rollback()
        return _render_user(user_id, invalid.errors, 422, selected)
    flash(done, "ok")
    return redirect(url_for("admin.user", user_id=user_id))


def _render_users(errors: dict | None = None, status: int = 200):
    return render_template("admin/users.html", users=account_admin.list_users(db.session()), role_names=ROLE_NAMES,
                           errors=errors or {}, form=request.form if errors else {}), status


def _render_user(user_id: int, errors: dict | None = None, status: int = 200, selected: list[str] | None = None):
    target = account_admin.get_user(db.session(), user_id)
    return render_template("admin/user.html", user=target, role_names=ROLE_NAMES, errors=errors or {},
                           selected=set(target.roles if selected is None else selected)), status


def _render_tokens(errors: dict | None = None, status: int = 200, issued=None):
    session = db.session()
    response = make_response(render_template(
        "admin/tokens.html", tokens=account_admin.list_tokens(session),
        users=[user for user in account_admin.list_users(session) if user.active],
        errors=errors or {}, form=request.form if errors else {}, issued=issued), status)
    if issued is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _render_processes(error: DeployError | None = None, status: int = 200):
    total = current_app.config.get("MAX_CONTENT_LENGTH")
    limits = {**UPLOAD_LIMITS, "total_mib": total // (1024 * 1024) if total else None}
    return render_template("admin/processes.html", processes=process_versions.processes(db.session()),
                           error=error, limits=limits, status_names=STATUSES), status
