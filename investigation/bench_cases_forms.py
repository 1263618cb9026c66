"""Bench cases of the investigation's forms (added to bench_cases.py's): the county's 附件3 and 附件4 over every case (30,000
members), and a committee's 附件1 register of about 200 members as PDF.

A bench county without a campaign first gets one (services.open_campaign: a case per member) whose
cases follow the members' own lost-contact records (失联 with its code and date); a committee gets
the contact of 200 of its members found, so that its 附件1 has 200 rows. Not measured."""

import datetime
import io

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from branches.choices import COMMITTEE_KINDS
from branches.models import Organization
from core import exports
from core.documents import render_pdf
from members.contacts import add_months
from members.management.commands.bench import Case as BenchCase
from members.models import Member

from . import documents, services
from .choices import Classification, LostContactReason
from .forms import source_dates
from .models import Campaign, Case

REGISTER_SIZE = 200


CAMPAIGN = "基准测试排查（表格）"
CAMPAIGN_YEAR = 2097  # a campaign of its own (bench_cases.py uses 2099, and 2098 rolled back)


def _campaign(user):
    """The forms' campaign over the whole county, opened once in the bench database and kept."""
    campaign = Campaign.objects.filter(name=CAMPAIGN).first()
    if campaign is not None:
        return campaign
    today = timezone.localdate()
    with transaction.atomic():
        campaign = services.open_campaign(user, name=CAMPAIGN, **source_dates(CAMPAIGN_YEAR))
        six = add_months(today, -6)
        (Case.objects.filter(campaign=campaign, member__is_lost_contact=True, member__lost_contact_since__lte=six)
         .exclude(member__lost_contact_reason="")
         .update(classification=Classification.LOST))
        member = Member.objects.filter(pk=OuterRef("member_id"))
        Case.objects.filter(campaign=campaign, classification=Classification.LOST).update(
            lost_reason=Subquery(member.values("lost_contact_reason")[:1]),
            lost_since=Subquery(member.values("lost_contact_since")[:1]))
        Case.objects.filter(campaign=campaign, classification="").update(classification=Classification.NORMAL)
    return campaign


def _committee_with_found(campaign):
    """A committee whose 附件1 has REGISTER_SIZE rows (contacts found on its first cases if need be)."""
    counted = (Case.objects.filter(campaign=campaign).values("branch_check__committee")
               .annotate(n=Count("pk")).filter(n__gte=REGISTER_SIZE).order_by("n"))
    committee = Organization.objects.filter(kind__in=COMMITTEE_KINDS,
                                            pk__in=[c["branch_check__committee"] for c in counted]).first()
    found = documents.found_cases(committee, campaign)
    missing = REGISTER_SIZE - found.count()
    if missing > 0:
        today = timezone.localdate()
        pks = list(documents.cases_under(committee, campaign).filter(contact_found_on__isnull=True)
                   .exclude(classification=Classification.LOST).order_by("pk").values_list("pk", flat=True)[:missing])
        Case.objects.filter(pk__in=pks).update(
            classification=Classification.MOBILE, lost_reason=LostContactReason.MIGRANT_WORK,
            lost_since=add_months(today, -14), contact_found_on=today - datetime.timedelta(days=20),
            whereabouts="浙江省宁波市北仑区某工业园", current_phone="13900000000")
    return committee


def cases(bench):
    campaign = _campaign(bench.user)
    county = Organization.objects.filter(parent=None).order_by("path").first()
    members = Case.objects.filter(campaign=campaign).count()
    committee = _committee_with_found(campaign)

    def annex3():
        grid = documents.annex3(county, campaign)
        return members, f"全县排查对象 {members:,} 名，未取得联系 {grid.value('total', 'lost'):,} 名"

    def annex4():
        grid = documents.annex4(county, campaign)
        return members, f"全县排查对象 {members:,} 名，纳入组织管理 {grid.value('total', 'managed'):,} 名"

    def annex1_pdf():
        spec = exports.build("investigation_annex1", bench.user,
                             {"campaign": [str(campaign.pk)], "org": [str(committee.pk)]})
        buf = io.BytesIO()
        rows = render_pdf(spec.doc, spec.iter_rows(), buf)
        return rows, f"{committee.name}，{len(spec.doc.columns)} 列，文件 {buf.tell() // 1024:,} KB"

    return [
        BenchCase("附件3 与党组织失去联系党员情况汇总表：全县", annex3, bench.runs, "< 0.5 秒，2 次查询", 0.5, max_queries=2),
        BenchCase("附件4 管理及处置情况汇总表：全县", annex4, bench.runs, "< 0.5 秒，1 次查询", 0.5, max_queries=1),
        BenchCase(f"附件1 登记表 PDF：党(工)委 {REGISTER_SIZE} 名", annex1_pdf, bench.runs, "< 5 秒", 5),
    ]
