"""Every field of a packaged form that names a person says whose list it comes from (registry or users)."""

import json
import re

from tests.procedures.driver import PACKAGED

# Reworked with the party-group vote itself, not here.
VOTE_FORMS = {"party_meeting", "party_ballot", "secretary_ballot"}
PERSON_WORDS = re.compile("人员|人选|对象|负责人|谈话人|接交人|考察组成员|计票人|签名|干部编号")


def person_fields():
    for path in sorted((PACKAGED / "forms").glob("*.json")):
        if path.stem in VOTE_FORMS:
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        for name, prop in schema.get("properties", {}).items():
            items = prop.get("items") or {}
            for column, cell in (items.get("properties") or {}).items():
                if cell.get("type") == "string" and "oneOf" not in cell:  # a count or a choice names nobody
                    yield f"{path.stem}.{name}.{column}", cell
            kind = items.get("type") if prop.get("type") == "array" else prop.get("type")
            if kind == "string" and "oneOf" not in prop:
                yield f"{path.stem}.{name}", prop


def test_every_person_field_of_every_form_is_a_cadre_or_a_user_field():
    unmarked = [where for where, prop in person_fields()
                if PERSON_WORDS.search(prop.get("title", "")) and not (prop.get("x-cadre") or prop.get("x-user"))]
    assert unmarked == []
