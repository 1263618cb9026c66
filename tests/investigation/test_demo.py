"""The demo's investigation step: the example campaign opened, one branch submitted with a few lost
members and their search record, the demo secretary's branch half done."""

import datetime
import io

import pytest
from django.core.management import call_command

from branches.models import Organization
from investigation import documents, lost_time
from investigation.choices import CheckState, Classification
from investigation.demo_steps import campaign_dates
from investigation.models import Campaign, Case


@pytest.mark.django_db
def test_demo_opens_the_example_campaign():
    call_command("seed_demo", members=300, stdout=io.StringIO())
    campaign = Campaign.objects.get()
    today = datetime.date.today()
    assert campaign.investigate_start <= today <= campaign.investigate_end
    submitted = campaign.checks.get(branch__name="城关镇东风村党支部")
    assert submitted.state == CheckState.SUBMITTED
    lost = Case.objects.filter(branch_check=submitted, classification=Classification.LOST)
    assert 1 <= lost.count() <= 3 and all(c.search_count >= 1 for c in lost)
    # 失联 only six months or more out of contact: the county's 附件3 and 附件4 reconcile on the demo
    assert all(lost_time.bucket(c.lost_since, today) not in (lost_time.UNDER, lost_time.UNKNOWN) for c in lost)
    county = Organization.objects.get(parent=None)
    grid3 = documents.annex3(county, campaign)
    documents.annex4(county, campaign)
    assert grid3.values  # rendered, no GridError
    for found in Case.objects.filter(branch_check=submitted, contact_found_on__isnull=False):
        assert found.lost_reason and found.whereabouts
    mine = campaign.checks.get(branch__name="城关镇红旗村党支部")
    assert mine.state == CheckState.SELF_CHECK
    assert 0 < mine.cases.exclude(classification="").count() < mine.cases.count()
    assert Case.objects.filter(campaign=campaign).count() >= 290


def test_campaign_dates_keep_the_source_calendar():
    d = campaign_dates(datetime.date(2027, 3, 10))  # inside the source's 集中排查: its own dates
    assert d["mobilize_start"] == datetime.date(2027, 2, 14) and d["report_due"] == datetime.date(2027, 8, 6)
    d = campaign_dates(datetime.date(2026, 12, 6))  # shifted: today is the 15th day of 集中排查
    assert d["investigate_start"] == datetime.date(2026, 11, 22)
    assert (d["investigate_end"] - d["investigate_start"]).days == 34
    assert (d["report_due"] - d["conclude_end"]).days == 1
