"""The investigation's URLs for tests/core/test_scope.py and tests/core/test_hostile_input.py: which
object each takes, and how to make investigation objects a viewer must not see."""

from investigation.choices import DispositionKind, DispositionState
from investigation.models import BranchCheck, Case, CommitteeOpinion, Disposition

from .helpers import open_campaign, search

INVESTIGATION_URL_CASES = {
    "investigation:index": None,
    "investigation:open": None,  # the county's only (POST): 403 for everyone else
    "investigation:overview": None,  # county staff and committees (their subtree): 403 for everyone else
    "investigation:check": "inv_check",
    "investigation:submit": "inv_check",
    "investigation:agree_rest": "inv_check",
    "investigation:finish": "inv_check",
    "investigation:report": "inv_check",
    "investigation:case": "inv_case",
    "investigation:case_search": "inv_case",
    "investigation:case_verdict": "inv_case",
    "investigation:case_dispose": "inv_case",
    "investigation:dispositions": None,
    "investigation:disposition": "inv_disposition",
    "investigation:disposition_prereview": "inv_disposition",
    "investigation:disposition_done": "inv_disposition",
    "investigation:disposition_withdraw": "inv_disposition",
    "investigation:opinion": "inv_opinion",
    "investigation:sign": "inv_opinion",
    "investigation:signed_file": "inv_opinion",
    "investigation:case_print": "inv_case",
    "investigation:report_print": "inv_check",
    "investigation:case_committee_opinion": "inv_case",
    "investigation:conclusion": "inv_opinion",
    "investigation:accept": "inv_opinion",
    "investigation:summary_pdf": "inv_opinion",
}
INVESTIGATION_POSTED = {"investigation:open"}


def investigation_targets(county, hidden_orgs, hidden_members):
    """A campaign over the whole county, each hidden member with a search attempt: the checks of
    the hidden branches, the hidden members' cases and the hidden committees' opinions (each must
    answer 404), while the viewer's own branch stays listed beside them."""
    campaign = open_campaign(county, name="隐藏排查")
    cases = list(Case.objects.filter(campaign=campaign, member__in=hidden_members))
    for case in cases:
        search(county.admin, case)
    return {
        "inv_check": list(BranchCheck.objects.filter(campaign=campaign, branch__in=hidden_orgs)),
        "inv_case": cases,
        "inv_disposition": [_disposition(case) for case in cases],
        "inv_opinion": list(CommitteeOpinion.objects.filter(campaign=campaign, committee__in=hidden_orgs)),
    }


def _disposition(case):
    """A disposition recorded on `case` (its rules are tests/investigation/test_rectification.py's)."""
    return Disposition.objects.create(case=case, branch=case.branch, kind=DispositionKind.TRANSFER_OUT,
                                      detail="某县某村党支部", grounds="本人申请转出",
                                      record_state=DispositionState.OPEN)


def hostile_objects(county):
    """One object of each kind on 东街村 / 城关镇 (seen by the county, its secretary and its cadre)."""
    campaign = open_campaign(county, name="输入测试排查")
    return {
        "inv_check": BranchCheck.objects.get(campaign=campaign, branch=county.east),
        "inv_case": Case.objects.get(campaign=campaign, member=county.east1),
        "inv_disposition": _disposition(Case.objects.get(campaign=campaign, member=county.east1)),
        "inv_opinion": CommitteeOpinion.objects.get(campaign=campaign, committee=county.town),
    }
