"""Forms of the investigation's pages. Each only reads and bounds the input; the rules are in
investigation/services.py (errors come back onto the form through ServiceErrorsMixin)."""

import datetime

from django import forms

from core.concurrency import VersionFieldsMixin
from core.forms import DateInput, ServiceErrorsMixin
from core.validators import LINE_MAX, NAME_MAX, REASON_MAX

from .choices import DispositionKind, PreReview, Verdict
from .models import Campaign, Case, CommitteeOpinion, SearchAttempt, VerificationReport
from .services import CLASSIFY_FIELDS, OPINION_FIELDS, REPORT_FIELDS

DATE_ERRORS = {"invalid": "日期格式应为 2026-02-14。"}


def _dates(fields):
    for f in fields.values():
        if isinstance(f, forms.DateField):
            f.widget = DateInput()
            f.error_messages.update(DATE_ERRORS)
    return fields


def source_dates(year):
    """The source's example (plan 3): 动员部署 2/14–2/24, 集中排查 2/25–3/31, 整改规范 4/1–7/30,
    总结巩固 8/1–8/5; forms by 3/30, the final report by 8/6; the branches' self-check by 3/15."""
    d = datetime.date
    return {
        "mobilize_start": d(year, 2, 14), "mobilize_end": d(year, 2, 24),
        "investigate_start": d(year, 2, 25), "investigate_end": d(year, 3, 31),
        "rectify_start": d(year, 4, 1), "rectify_end": d(year, 7, 30),
        "conclude_start": d(year, 8, 1), "conclude_end": d(year, 8, 5),
        "self_check_due": d(year, 3, 15), "forms_due": d(year, 3, 30), "report_due": d(year, 8, 6),
    }


class CampaignForm(ServiceErrorsMixin, forms.Form):
    locals().update(_dates(forms.fields_for_model(
        Campaign, fields=["name", "mobilize_start", "mobilize_end", "investigate_start", "investigate_end", "rectify_start",
                "rectify_end", "conclude_start", "conclude_end", "self_check_due", "forms_due", "report_due"])))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = datetime.date.today().year
        if not self.is_bound:
            self.initial = {"name": f"{year}年党员组织关系集中排查", **source_dates(year)}


class ClassifyForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    """The self-check of one member."""

    locals().update(_dates(forms.fields_for_model(Case, fields=CLASSIFY_FIELDS)))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, initial={f: getattr(case, f) for f in CLASSIFY_FIELDS}, **kwargs)
        self.fields["classification"].required = True
        self.fields["classification"].widget = forms.RadioSelect(choices=self.fields["classification"].choices[1:])
        self.fields["classification"].choices = self.fields["classification"].choices[1:]
        self.fields["lost_since"].help_text = "最后一次参加组织生活或交纳党费的日期（默认取党员的最近联系日期）"
        self.fields["roll_correction"].help_text = "名册信息有误的，写明应如何更正"
        self.add_version_fields(case)


class SearchForm(ServiceErrorsMixin, forms.Form):
    """One search attempt."""

    locals().update(_dates(forms.fields_for_model(
        SearchAttempt, fields=["searched_on", "channel", "searcher", "result", "found"])))

    def __init__(self, *args, searcher="", **kwargs):
        super().__init__(*args, initial={"searched_on": datetime.date.today(), "searcher": searcher}, **kwargs)


class VerdictForm(ServiceErrorsMixin, forms.Form):
    verdict = forms.ChoiceField(label="核查意见", choices=Verdict.choices, widget=forms.RadioSelect)
    verdict_comment = forms.CharField(label="核查说明（退回时必填）", max_length=200, required=False)


class ReportForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    locals().update(forms.fields_for_model(VerificationReport, fields=REPORT_FIELDS))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, initial={f: getattr(report, f) for f in REPORT_FIELDS}, **kwargs)
        for f in REPORT_FIELDS:
            self.fields[f].widget = forms.Textarea(attrs={"rows": 4})
        self.add_version_fields(report)


class OpinionForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    locals().update(_dates(forms.fields_for_model(CommitteeOpinion, fields=OPINION_FIELDS)))

    def __init__(self, *args, opinion, **kwargs):
        super().__init__(*args, initial={f: getattr(opinion, f) for f in OPINION_FIELDS}, **kwargs)
        for f in ("initial_handling", "report"):
            self.fields[f].widget = forms.Textarea(attrs={"rows": 4})
        self.add_version_fields(opinion)


class SignForm(ServiceErrorsMixin, forms.Form):
    signer_name = forms.CharField(label="签字的党(工)委书记", max_length=NAME_MAX)
    reason = forms.CharField(label="重新签署的理由（已签署过的必填）", max_length=REASON_MAX, required=False)


class CommitteeOpinionForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    """附件2's 基层党委意见 on one member (the committee, on the case page)."""

    locals().update(forms.fields_for_model(Case, fields=["committee_opinion"]))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, initial={"committee_opinion": case.committee_opinion}, **kwargs)
        self.fields["committee_opinion"].help_text = "填入附件2（经查找仍然无法取得联系党员登记表）的“基层党委意见”栏"
        self.add_version_fields(case)


class DispositionForm(ServiceErrorsMixin, forms.Form):
    """整改规范: a disposition proposed from the case (the rules: investigation/rectify.py)."""

    kind = forms.ChoiceField(label="处置方式", choices=[("", "请选择"), *DispositionKind.choices])
    meeting_on = forms.DateField(label="支部大会日期", required=False, widget=DateInput(),
                                 error_messages=DATE_ERRORS,
                                 help_text="停止党籍、自行脱党除名、取消预备党员资格、保留组织关系、退党除名须经支部大会讨论")
    detail = forms.CharField(label="具体内容", max_length=LINE_MAX, required=False,
                             help_text="转出的写明转往的党组织；纪律处分写明处分种类")
    due_on = forms.DateField(label="改正期限", required=False, widget=DateInput(), error_messages=DATE_ERRORS,
                             help_text="限期改正的填写")
    grounds = forms.CharField(label="事实和依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="提交时自动附上排查结论、失去联系时间和查找记录")


class PreReviewForm(ServiceErrorsMixin, forms.Form):
    prereview = forms.ChoiceField(label="预审意见", choices=PreReview.choices, widget=forms.RadioSelect)
    prereview_opinion = forms.CharField(label="意见（不同意时必填）", max_length=LINE_MAX, required=False)


class DoneForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.CharField(label="办理结果", max_length=LINE_MAX)
    done_on = forms.DateField(label="办结日期", widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"done_on": datetime.date.today()}, **kwargs)


class AcceptForm(ServiceErrorsMixin, forms.Form):
    """总结巩固: the committee's acceptance of its branches' work."""

    accepter_name = forms.CharField(label="验收人", max_length=NAME_MAX)
    opinion = forms.CharField(label="验收意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="逐一检查所属党支部的排查、核查和整改情况，写明验收结论")
