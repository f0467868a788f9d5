"""The bureau that issues the papers: its name, 代字, personnel office and contact details, from the settings."""

from collections.abc import Mapping
from dataclasses import dataclass

# Setting name (webapp/config.py, ``CADREFLOW_<NAME>`` in the environment) -> field. The other fields keep the
# demo's values unless a caller passes them; a bureau that needs more changes its templates instead.
SETTINGS = {
    "BUREAU_NAME": "name", "BUREAU_SHORT_NAME": "short_name", "BUREAU_PREFIX": "prefix",
    "BUREAU_PHONE": "phone", "BUREAU_ADDRESS": "address", "BUREAU_EMAIL": "email",
    "BUREAU_POSTCODE": "postcode", "PAPER_TEMPLATES": "templates",
}


@dataclass(frozen=True)
class BureauDetails:
    """What the notices print about their issuer; the defaults are the demo bureau's (made-up contact details)."""

    name: str = "上海市青浦区数据局"
    short_name: str = "区数据局"  # as headings and the district's papers name it
    party_group: str = "中共上海市青浦区数据局党组"
    prefix: str = "青数"  # 机关代字 of the document numbers: 青数〔2026〕5号
    personnel_office: str = "局人事组织部门"
    phone: str = "021-59730000"
    address: str = "上海市青浦区公园路100号"
    postcode: str = "201700"
    email: str = "rsb@sjj.qingpu.example.cn"
    district_department: str = "中共上海市青浦区委组织部"
    discipline_body: str = "区纪委监委派驻区数据局纪检监察组"
    templates: str | None = None  # a folder whose <kind>.j2 files replace the packaged templates

    @classmethod
    def from_settings(cls, settings: Mapping) -> "BureauDetails":
        """The details the settings give (``BUREAU_NAME`` …); a missing or empty setting keeps the default."""
        given = {field: str(settings[name]).strip() for name, field in SETTINGS.items()
                 if settings.get(name) is not None and str(settings[name]).strip()}
        if "name" in given:  # the party group is the bureau's: another bureau's name must not keep the demo's
            given["party_group"] = f"中共{given['name']}党组"
        return cls(**given)
