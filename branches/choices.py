from django.db import models


class OrgKind(models.TextChoices):
    COUNTY = "county", "县委"
    COMMITTEE = "committee", "党委"
    WORKING_COMMITTEE = "working", "党工委"
    GENERAL_BRANCH = "general", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint", "联合党支部"
    TEMP_BRANCH = "temp", "临时党支部"
    GROUP = "group", "党小组"


BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMP_BRANCH)
COMMITTEE_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)

# Which kinds may stand directly under which.
ALLOWED_PARENTS = {
    OrgKind.COUNTY: (),
    OrgKind.COMMITTEE: (OrgKind.COUNTY, *COMMITTEE_KINDS),
    OrgKind.WORKING_COMMITTEE: (OrgKind.COUNTY, *COMMITTEE_KINDS),
    OrgKind.GENERAL_BRANCH: COMMITTEE_KINDS,
    OrgKind.BRANCH: (*COMMITTEE_KINDS, OrgKind.GENERAL_BRANCH),
    OrgKind.JOINT_BRANCH: (*COMMITTEE_KINDS, OrgKind.GENERAL_BRANCH),
    OrgKind.TEMP_BRANCH: (*COMMITTEE_KINDS, OrgKind.GENERAL_BRANCH),
    OrgKind.GROUP: BRANCH_KINDS,
}


class OrgCategory(models.TextChoices):
    """党组织类别: the nine national codes (FORMS.md)."""

    STATE_ENTERPRISE = "1", "①国有企业"
    NON_PUBLIC_ENTERPRISE = "2", "②非公有制企业"
    RURAL = "3", "③农村"
    PARTY_GOVERNMENT = "4", "④党政机关"
    SCHOOL = "5", "⑤学校"
    OTHER_INSTITUTION = "6", "⑥其他事业单位"
    COMMUNITY = "7", "⑦街道社区"
    SOCIAL_ORGANIZATION = "8", "⑧社会组织"
    OTHER = "9", "⑨其他"


class Sector(models.TextChoices):
    """领域, as the pilot plan names them."""

    RURAL = "rural", "农村"
    COMMUNITY = "community", "社区"
    GOVERNMENT = "government", "机关单位"
    INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有(集体)企业"
    SCHOOL = "school", "学校"
    HOSPITAL = "hospital", "医院"
    TWO_NEW = "two_new", "两新组织"
    OTHER = "other", "其他"


class OfficerPost(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    YOUTH = "youth", "青年委员"
    WOMEN = "women", "妇女委员"
    MEMBER = "member", "委员"
    LEADER = "leader", "党小组长"
