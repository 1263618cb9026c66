"""Builders for the investigation's tests: a campaign around today, cases classified and submitted."""

import datetime

from investigation import services
from investigation.choices import Classification, SearchChannel
from investigation.models import Case


def dates(day=None):
    """The source's rhythm (2/14–8/5) laid around `day` (default today): 集中排查 holds it."""
    d = day or datetime.date.today()
    return {
        "mobilize_start": d - datetime.timedelta(days=20), "mobilize_end": d - datetime.timedelta(days=10),
        "investigate_start": d - datetime.timedelta(days=9), "investigate_end": d + datetime.timedelta(days=25),
        "rectify_start": d + datetime.timedelta(days=26), "rectify_end": d + datetime.timedelta(days=146),
        "conclude_start": d + datetime.timedelta(days=147), "conclude_end": d + datetime.timedelta(days=151),
        "self_check_due": d + datetime.timedelta(days=10), "forms_due": d + datetime.timedelta(days=24),
        "report_due": d + datetime.timedelta(days=152),
    }


def open_campaign(county, name="2026年党员组织关系排查", **over):
    return services.open_campaign(county.admin, name=name, **{**dates(), **over})


def case_of(campaign, member):
    return Case.objects.get(campaign=campaign, member=member)


def search(user, case, found=False, day=None):
    return services.log_search(user, case, {
        "searched_on": day or datetime.date.today(), "channel": SearchChannel.ORIGINAL, "searcher": "张书记",
        "result": "电话已停机" if not found else "已联系上", "found": found})


def classify_all(user, check, value=Classification.NORMAL):
    for case in Case.objects.filter(branch_check=check, classification=""):
        services.classify(user, case, {"classification": value})


def submitted(county, campaign, branch, user=None):
    check = campaign.checks.get(branch=branch)
    classify_all(user or county.admin, check)
    return services.submit(user or county.admin, check)
