"""Who may reach each route, written from the product's rules (not read from the code under test).

Every rule and method of the app's ``url_map`` (static files aside) has an entry in :data:`ACCESS`; a new
route without one fails the matrix. The sources of the rules: ``roles_required`` on the pages,
``workflows/access.py`` (who reads a case, who acts on or reads a task), the commands' own checks
(``CANCEL_ROLES``, the start event's lane), ``refuse_auditor_writes`` (auditors post nothing but sign-out, the
language and a kept checkpoint) and the API's bearer-token gate.
"""

from tests.security.site import ROLES

PUBLIC = "public"  # anyone, signed in or not
EVERYONE = frozenset(ROLES)
READ_ALL = frozenset({"personnel_office", "admin", "auditor"})  # access.READ_ALL_ROLES
EDITORS = frozenset({"personnel_office", "admin"})  # the registry's editors
STARTERS = frozenset({"personnel_office"})  # the selection's start event is in the office's lane
AUDIT = frozenset({"auditor", "admin"})  # the audit pages
ADMIN = frozenset({"admin"})
CANCEL = frozenset({"personnel_office", "admin"})  # commands.CANCEL_ROLES

# Who may read each case of the site: the office, admins and auditors read every case; others a case where a
# task was put before their role. The running case had tasks of every lane but the party group's (party_secretary
# consented to the motion; the inspection team, discipline and the district have open checks).
CASE_READERS = {"running": EVERYONE - {"party_group"}, "withdrawn": READ_ALL}
# The lane of each task the matrix uses (none is assigned to a person): who acts on it.
TASK_LANES = {"dossier_review": "personnel_office", "personal_matters_check": "district_org_dept",
              "motion_consent": "party_secretary"}


def case_readers(roles=EVERYONE):
    """Those of ``roles`` who may read the case in the URL."""
    return lambda where: CASE_READERS[where["case_id"]] & roles


def task_actors(also=frozenset()):
    """Those who may act on the task in the URL (its lane's role), and ``also``."""
    return lambda where: {TASK_LANES[where["task_id"]]} | also


WRITERS = EVERYONE - {"auditor"}
ACCESS = {
    # For the proxy and the monitoring: the verdicts of its checks, nothing else (webapp/health.py).
    ("health.check", "GET"): PUBLIC,
    ("auth.login", "GET"): PUBLIC, ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): EVERYONE, ("auth.language", "POST"): PUBLIC,
    # The second step of a sign-in: without a password given first it sends anyone back to /login.
    ("auth.second_factor", "GET"): PUBLIC, ("auth.second_factor", "POST"): PUBLIC,
    ("auth.enrol", "GET"): PUBLIC, ("auth.enrol", "POST"): PUBLIC,
    # One's own account, auditors' included.
    ("account.show", "GET"): EVERYONE, ("account.change_password", "POST"): EVERYONE,
    ("account.enrol", "GET"): EVERYONE, ("account.enrol", "POST"): EVERYONE,
    ("account.disable", "POST"): EVERYONE, ("account.renew_codes", "POST"): EVERYONE,
    ("pages.index", "GET"): EVERYONE, ("pages.inbox", "GET"): EVERYONE,
    ("registry.index", "GET"): READ_ALL, ("registry.detail", "GET"): READ_ALL,
    ("registry.edit", "GET"): EDITORS, ("registry.edit", "POST"): EDITORS,
    ("registry.add_assessment", "POST"): EDITORS, ("registry.add_sanction", "POST"): EDITORS,
    ("registry.appoint", "POST"): EDITORS, ("registry.classify_post", "POST"): EDITORS,
    ("registry.cadre_file.add", "POST"): EDITORS, ("registry.cadre_file.edit", "GET"): EDITORS,
    ("registry.cadre_file.edit", "POST"): EDITORS, ("registry.cadre_file.delete", "POST"): EDITORS,
    # The form's personal fields (identity number, family, 简历, awards, photo): the registry's editors change them,
    # its readers see the photo (the cadre page's other parts are registry.detail's).
    **{(f"registry.personal.{name}", method): EDITORS for name in ("edit", "edit_family", "edit_resume", "edit_award",
                                                                   "edit_photo") for method in ("GET", "POST")},
    ("registry.personal.generate_resume", "POST"): EDITORS, ("registry.personal.delete_award", "POST"): EDITORS,
    ("registry.personal.photo", "GET"): READ_ALL,
    ("registry_tools.scan", "GET"): READ_ALL, ("registry_tools.structure", "GET"): READ_ALL,
    ("registry_tools.template", "GET"): READ_ALL, ("registry_tools.export", "GET"): READ_ALL,
    ("registry_tools.import_form", "GET"): EDITORS, ("registry_tools.import_form", "POST"): EDITORS,
    ("headcount.show", "GET"): READ_ALL, ("headcount.save", "POST"): EDITORS,
    # The 干部任免审批表 holds personal information: the registry's readers (workflows.papers.approval_export).
    # The .lrmx file: its export is the form's (readers); an import writes the registry (editors).
    ("registry_lrmx.export", "GET"): READ_ALL, ("registry_lrmx.upload", "GET"): EDITORS,
    ("registry_lrmx.upload", "POST"): EDITORS, ("registry_lrmx.preview", "GET"): EDITORS,
    ("registry_lrmx.confirm", "POST"): EDITORS,
    ("approval_form.download", "GET"): READ_ALL, ("api.approval_form_file", "GET"): READ_ALL,
    ("case_start.new", "GET"): STARTERS, ("case_start.create", "POST"): STARTERS,
    ("case_start.from_scan", "POST"): STARTERS,
    ("case_pages.index", "GET"): READ_ALL, ("case_pages.show", "GET"): case_readers(),
    # Messages (a complaint during publicity) come from those who may read the case or hold the lane of an event
    # catching one (access.check_delivers_messages): the selection's is the office's, who read every case.
    ("case_pages.attachment", "GET"): case_readers(), ("case_pages.message", "POST"): case_readers(WRITERS),
    ("case_pages.withdraw", "POST"): case_readers(CANCEL),
    # The case's papers and the register of numbers: the office and admins issue and void, auditors read
    # (workflows.papers.numbers.ISSUER_ROLES; the issued files and the register: the registry's readers).
    ("case_papers.take_step_number", "POST"): EDITORS,
    ("case_papers.draft", "GET"): EDITORS, ("case_papers.issue", "POST"): EDITORS,
    ("case_papers.issued", "GET"): READ_ALL, ("case_papers.void_on_case", "POST"): EDITORS,
    ("case_papers.package", "POST"): EDITORS, ("case_papers.register", "GET"): READ_ALL,
    ("case_papers.take_number", "POST"): EDITORS, ("case_papers.void", "POST"): EDITORS,
    ("tasks.show", "GET"): task_actors(), ("tasks.complete", "POST"): task_actors(),
    ("tasks.claim", "POST"): task_actors(), ("tasks.release", "POST"): task_actors(),
    **{(f"audit_pages.{name}", "GET"): AUDIT for name in ("index", "case", "verify_case", "record_pdf", "bundle",
                                                          "verify")},
    ("audit_pages.verify_kept", "POST"): AUDIT,
    **{(f"admin.{name}", "GET"): ADMIN for name in ("index", "users", "user", "tokens", "processes")},
    **{(f"admin.{name}", "POST"): ADMIN for name in ("create_user", "set_roles", "disable", "enable",
                                                     "reset_password", "create_token", "revoke_token", "upload",
                                                     "unlock", "reset_two_factor")},
    ("api.openapi", "GET"): PUBLIC, ("api.list_processes", "GET"): EVERYONE,
    ("api.list_cases", "GET"): EVERYONE, ("api.inbox", "GET"): EVERYONE,
    ("api.start_case", "POST"): STARTERS,
    ("api.get_case", "GET"): case_readers(), ("api.case_events", "GET"): case_readers(),
    ("api.verify_case", "GET"): case_readers(),
    ("api.cancel_case", "POST"): case_readers(CANCEL), ("api.send_message", "POST"): case_readers(WRITERS),
    ("api.get_task", "GET"): task_actors(also=AUDIT), ("api.claim", "POST"): task_actors(),
    ("api.unclaim", "POST"): task_actors(), ("api.complete", "POST"): task_actors(),
}
# Requests beyond one per rule: the lists of everyone's cases are the office's, the admins' and the auditors'.
EXTRA = [("GET", "case_pages.index", "/cases?all=1", READ_ALL),
         ("GET", "api.list_cases", "/api/v1/cases?all=1&status=", READ_ALL)]

# The body of each POST: empty, or the least that gets a request past shape checks to the role check, never
# enough to change anything (an allowed caller gets a 4xx for what is missing; the notes say which).
BODIES = {
    # Both name the case's procedure so that the start event's lane is checked; no title, no data: 422.
    ("case_start.create", "POST"): {"process": "cadre_selection"},
    ("api.start_case", "POST"): {"process": "cadre_selection"},
    # The withdrawal is confirmed but has no reason: the command's role check, then 422 for the office.
    ("case_pages.withdraw", "POST"): {"confirm": "1"},
    # A complaint the case is not waiting for: 409 for those who may send it, after the check of who may.
    ("case_pages.message", "POST"): {"summary": "匿名来信"},
    ("api.send_message", "POST"): {"message": "complaint", "payload": {"summary": "匿名来信"}},
    # The right current password and no new one (400): an empty one would be a wrong password given.
    ("account.change_password", "POST"): {"current": "password-123"},
    # An empty form: the command checks who acts before the form (required fields missing: 422).
    ("api.complete", "POST"): {"data": {}},
}
# Requests that change a signed-in caller's state go last: the records they delete, the sign-out.
LAST = ("registry.cadre_file.delete", "admin.disable", "admin.revoke_token", "auth.language", "auth.logout")


def allowed(endpoint: str, method: str, where: dict, rule_access=None):
    """PUBLIC, or the roles that may reach ``endpoint`` by ``method`` at the things ``where`` names."""
    entry = ACCESS[(endpoint, method)] if rule_access is None else rule_access
    return entry(where) if callable(entry) else entry
