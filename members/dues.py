"""Dues (党费): the standard each member pays a month, and the services that record payments.

The rules (中组部《关于中国共产党党费收缴、使用和管理的规定》, FORMS.md), on the monthly after-tax
regular pay (税后工资收入):

    在职         3000元以下（含3000元）0.5%；3000元以上至5000元（含）1%；
                 5000元以上至10000元（含）1.5%；10000元以上 2%
    离退休       按离退休费，5000元以下（含5000元）0.5%；5000元以上 1%
    农民党员     每月0.2元至1元（由党支部按实际确定）
    学生、下岗失业、依靠抚恤或救济生活、领取低保的党员   每月0.2元
    经济确有困难的 经党支部研究、报上一级党委批准，可以少交或免交（记录原因、批准单位与日期）

Amounts are rounded to the 分, half up. `compute_standard` is a pure function; the services below
each run in one transaction with their audit, and keep the contact clock (members/contacts.py)
and the paid-up-to month (DuesAccount) in the same transaction.

A month is owed from the member's first standard on; a month is in arrears once it is over (the
current month is not yet owed). 党费交至年月 is the last month of the unbroken run of paid months
from the first owed one, so a back payment that fills a gap moves it on.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q

from core import audit
from core.scoping import covers

from . import contacts
from .choices import MembershipStatus
from .models import DuesAccount, DuesBasis, DuesPayment, DuesStandard, Member

CENT = Decimal("0.01")
# (upper bound included, rate); None: no upper bound
SALARY_BRACKETS = [(Decimal("3000"), Decimal("0.005")), (Decimal("5000"), Decimal("0.01")),
                   (Decimal("10000"), Decimal("0.015")), (None, Decimal("0.02"))]
RETIRED_BRACKETS = [(Decimal("5000"), Decimal("0.005")), (None, Decimal("0.01"))]
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")
FIXED_AMOUNT = Decimal("0.20")
FIXED_BASES = {DuesBasis.STUDENT, DuesBasis.UNEMPLOYED, DuesBasis.RELIEF}
INCOME_BASES = {DuesBasis.SALARY, DuesBasis.RETIRED}
MAX_MONEY = Decimal("9999999.99")  # what the columns hold
EARLIEST_MONTH = datetime.date(2000, 1, 1)
BACK_PAY_MONTHS = 6  # 补交 generally at most six months; six months unpaid without reason = 自行脱党

PAY = audit.register_action("dues_pay", "登记党费")
CORRECT = audit.register_action("dues_correct", "更正党费")
DELETE = audit.register_action("dues_delete", "删除党费记录")
STANDARD = audit.register_action("dues_standard", "核定党费标准")

STANDARD_FIELDS = ["valid_from", "basis", "income", "rate", "computed_amount", "amount", "reduced",
                   "reduction_reason", "reduction_approved_by", "reduction_approved_on"]
PAYMENT_FIELDS = ["month", "amount", "paid_on"]


# -- months and money -----------------------------------------------------------------------------

def month_start(d):
    return d.replace(day=1)


def add_months(month, n):
    y, m = divmod(month.month - 1 + n, 12)
    return datetime.date(month.year + y, m + 1, 1)


def months_between(first, last):
    """The months first..last, both included ([] when last is before first)."""
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def month_label(month):
    return f"{month.year}年{month.month}月" if month else "—"


def current_month(today=None):
    return month_start(today or datetime.date.today())


_MONTH = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?")


def _ascii(text):
    """Digits of any script as 0-9, full-width punctuation as ASCII (NFKC)."""
    out = []
    for ch in str(text or ""):
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None else unicodedata.normalize("NFKC", ch))
    return "".join(out).strip()


def parse_month(text, label="月份"):
    """'2026-11', '2026年11月', '２０２６-１１' → date(2026, 11, 1); else a Chinese error."""
    found = _MONTH.fullmatch(_ascii(text))
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValidationError(f"{label}格式应为 2026-11。")
    month = datetime.date(int(found[1]), int(found[2]), 1)
    if month < EARLIEST_MONTH:
        raise ValidationError(f"{label}不能早于2000年1月。")
    return month


_MONEY = re.compile(r"\d{1,7}(\.\d{1,2})?")


def parse_amount(text, label="金额"):
    """An amount as typed ('15', '１５．００', '15.00元', '¥1,200') → Decimal('15.00'); None when
    empty. Negative, malformed, more than two decimals or too large: a Chinese error."""
    s = _ascii(text)
    for noise in ("元", "¥", "￥", ",", "，", " ", "\u3000"):
        s = s.replace(noise, "")
    if not s:
        return None
    if s[0] in "-−":
        raise ValidationError(f"{label}不能为负数。")
    if not _MONEY.fullmatch(s):
        if re.fullmatch(r"\d+(\.\d+)?", s) and "." in s and len(s.split(".")[1]) > 2:
            raise ValidationError(f"{label}最多精确到分（两位小数）。")
        if re.fullmatch(r"\d+(\.\d+)?", s):
            raise ValidationError(f"{label}过大，请核对。")
        raise ValidationError(f"{label}应为数字，如 15.00。")
    return Decimal(s).quantize(CENT)


def yuan(d):
    return f"{d:.2f}" if d is not None else ""


def percent(rate):
    return f"{(rate * 100).normalize():f}%" if rate is not None else ""


# -- the standard ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Computed:
    rate: Decimal | None  # None for a fixed amount
    amount: Decimal
    rule: str  # the rule applied, in words


def _bracket(brackets, income):
    lower = Decimal(0)
    for upper, rate in brackets:
        if upper is None or income <= upper:
            return lower, upper, rate
        lower = upper


def compute_standard(basis, income=None, farmer_amount=None):
    """The monthly dues the rules set, before any approved reduction. Pure: no database.

    `income`: the after-tax monthly pay or pension (Decimal), for 在职 and 离退休; `farmer_amount`:
    the amount the branch sets for a farmer (0.20-1.00). Raises ValidationError in Chinese."""
    if basis in INCOME_BASES:
        if income is None:
            raise ValidationError({"income": "请填写税后月收入（交纳基数）。"})
        if income <= 0:
            raise ValidationError({"income": "交纳基数应大于0元。"})
        if income > MAX_MONEY:
            raise ValidationError({"income": "交纳基数过大，请核对。"})
        brackets = SALARY_BRACKETS if basis == DuesBasis.SALARY else RETIRED_BRACKETS
        lower, upper, rate = _bracket(brackets, income)
        what = "月工资收入" if basis == DuesBasis.SALARY else "月离退休费"
        if upper is None:
            band = f"{lower:.0f}元以上"
        elif lower == 0:
            band = f"{upper:.0f}元以下（含{upper:.0f}元）"
        else:
            band = f"{lower:.0f}元以上至{upper:.0f}元（含{upper:.0f}元）"
        amount = (income * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        return Computed(rate, amount, f"{what}{band}，按{percent(rate)}交纳")
    if basis == DuesBasis.FARMER:
        if farmer_amount is None:
            raise ValidationError({"farmer_amount": "农民党员每月交纳0.2元至1元，请填写金额。"})
        if not FARMER_MIN <= farmer_amount <= FARMER_MAX:
            raise ValidationError({"farmer_amount": "农民党员每月交纳0.2元至1元。"})
        return Computed(None, farmer_amount.quantize(CENT), "农民党员每月交纳0.2元至1元")
    if basis in FIXED_BASES:
        return Computed(None, FIXED_AMOUNT, f"{DuesBasis(basis).label}每月交纳0.2元")
    raise ValidationError({"basis": "请选择交纳依据。"})


def standard_for(standards, month):
    """The standard in force in `month` among one member's standards (sorted by valid_from)."""
    found = None
    for s in standards:
        if s.valid_from <= month:
            found = s
        else:
            break
    return found


# -- where a member stands ------------------------------------------------------------------------

@dataclass
class Summary:
    """One member's dues as of a day: the standard now, 党费交至年月, the months in arrears."""

    member: Member
    standards: list = field(default_factory=list)
    paid: dict = field(default_factory=dict)  # month -> DuesPayment
    today: datetime.date = None

    @property
    def standard(self):
        return standard_for(self.standards, current_month(self.today))

    @property
    def first_month(self):
        return self.standards[0].valid_from if self.standards else None

    @property
    def paid_up_to(self):
        return paid_up_to(self.first_month, set(self.paid))

    @property
    def owed_until(self):
        """The last month owed by now: last month; for a member who left the roll or whose 党籍 is
        suspended, the month before that date (left without a date: nothing beyond what was paid)."""
        m, last = self.member, add_months(current_month(self.today), -1)
        if not m.on_roll:
            if m.roll_state_on is None:
                return self.paid_up_to
            return min(last, add_months(month_start(m.roll_state_on), -1))
        if m.membership_status == MembershipStatus.SUSPENDED and m.membership_status_on is not None:
            return min(last, add_months(month_start(m.membership_status_on), -1))
        return last

    @property
    def arrears(self):
        """[(month, amount owed)] of the months owed and unpaid."""
        until = self.owed_until
        if not self.standards or until is None:
            return []
        return [(mo, standard_for(self.standards, mo).amount)
                for mo in months_between(self.first_month, until) if mo not in self.paid]

    @property
    def arrears_amount(self):
        return sum((a for _, a in self.arrears), Decimal("0.00"))

    @property
    def unpaid_run(self):
        """Consecutive unpaid months up to the last owed month (6 or more: 党章第九条)."""
        n = 0
        for mo, _ in reversed(self.arrears):
            if mo != add_months(self.owed_until, -n):
                break
            n += 1
        return n


def paid_up_to(first_month, paid_months):
    """The last month of the unbroken run of paid months from `first_month` (None: first unpaid)."""
    if first_month is None or first_month not in paid_months:
        return None
    m = first_month
    while add_months(m, 1) in paid_months:
        m = add_months(m, 1)
    return m


def summaries(members, today=None):
    """{member id: Summary} for these members: two queries whatever their number."""
    ids = [m.pk for m in members]
    out = {m.pk: Summary(m, today=today or datetime.date.today()) for m in members}
    for s in DuesStandard.objects.filter(member_id__in=ids).order_by("member_id", "valid_from"):
        out[s.member_id].standards.append(s)
    for p in DuesPayment.objects.filter(member_id__in=ids).order_by():
        out[p.member_id].paid[p.month] = p
    return out


def summary(member, today=None):
    return summaries([member], today)[member.pk]


def arrears_q(today=None, months=1):
    """Q for a member (党籍正常) owing `months` or more unpaid months in a row up to last month, read
    from DuesAccount (one join)."""
    last = add_months(current_month(today), -1)
    limit = add_months(last, -(months - 1))
    return Q(membership_status=MembershipStatus.NORMAL, dues_account__first_month__lte=limit) & (
        Q(dues_account__paid_up_to__isnull=True) | Q(dues_account__paid_up_to__lt=limit))


def arrears_members(qs, today=None, months=1):
    """The members of `qs` on the roll who owe dues (see arrears_q): one query."""
    return qs.on_roll().filter(arrears_q(today, months))


# -- keeping the accounts -------------------------------------------------------------------------

def recompute(member_ids):
    """Recompute these members' DuesAccount (first owed month, paid-up-to) from their standards and
    payments. A fixed number of queries whatever the number of members."""
    ids = sorted({int(i) for i in member_ids})
    if not ids:
        return
    firsts = dict(DuesStandard.objects.filter(member_id__in=ids).values("member_id")
                  .annotate(first=Min("valid_from")).order_by().values_list("member_id", "first"))
    paid = {}
    for pk, month in DuesPayment.objects.filter(member_id__in=ids).order_by().values_list("member_id", "month"):
        paid.setdefault(pk, set()).add(month)
    accounts = {a.member_id: a for a in DuesAccount.objects.filter(member_id__in=ids)}
    new, changed = [], []
    for pk, first in firsts.items():
        upto = paid_up_to(first, paid.get(pk, set()))
        a = accounts.get(pk)
        if a is None:
            new.append(DuesAccount(member_id=pk, first_month=first, paid_up_to=upto))
        elif (a.first_month, a.paid_up_to) != (first, upto):
            a.first_month, a.paid_up_to = first, upto
            changed.append(a)
    if new:
        DuesAccount.objects.bulk_create(new)
    if changed:
        DuesAccount.objects.bulk_update(changed, ["first_month", "paid_up_to"])
    gone = [pk for pk in accounts if pk not in firsts]
    if gone:
        DuesAccount.objects.filter(member_id__in=gone).delete()


@contacts.source("dues")
def latest_payment_dates(member_ids):
    """A dues payment is a contact (the six-month clock): each member's latest paid_on."""
    return dict(DuesPayment.objects.filter(member_id__in=member_ids).values("member_id")
                .annotate(last=Max("paid_on")).order_by().values_list("member_id", "last"))


# -- services -------------------------------------------------------------------------------------

def _check_editor(user, branch):
    if user is not None and not covers(user.editor_paths, branch.path):
        raise ValidationError("您不能登记或修改该党支部的党费。")


def _check_paid_on(paid_on, month, today):
    if paid_on is None:
        raise ValidationError({"paid_on": "请填写交纳日期。"})
    if paid_on > today:
        raise ValidationError({"paid_on": "交纳日期不能晚于今天。"})
    if paid_on < month:
        raise ValidationError({"paid_on": f"交纳日期不能早于所属月份（{month_label(month)}）。"})


def _check_month(month, today):
    if month > current_month(today):
        raise ValidationError({"month": f"不能登记以后月份（{month_label(month)}）的党费：党费按月交纳，不预收。"})
    if month < EARLIEST_MONTH:
        raise ValidationError({"month": "月份不能早于2000年1月。"})


@transaction.atomic
def save_standard(user, member, *, valid_from, basis, income=None, farmer_amount=None, reduced=False,
                  reduced_amount=None, reduction_reason="", approved_by="", approved_on=None, reason=""):
    """核定党费标准 from `valid_from` (a month): computed by the rules, with an approved reduction if
    any. The standard of the same month is replaced. Audited; the member's account recomputed."""
    member = Member.objects.select_related("organization").select_for_update(of=("self",)).get(pk=member.pk)
    _check_editor(user, member.organization)
    today = datetime.date.today()
    if not member.on_roll:
        raise ValidationError("只有在册党员可以核定党费标准。")
    valid_from = month_start(valid_from)
    if valid_from > current_month(today):
        raise ValidationError({"valid_from": "起始月份不能晚于本月。"})
    if valid_from < max(EARLIEST_MONTH, month_start(member.joined_on)):
        raise ValidationError({"valid_from": f"起始月份不能早于入党的月份（{month_label(month_start(member.joined_on))}）"
                                             "或2000年1月。"})
    income = income.quantize(CENT) if income is not None and basis in INCOME_BASES else None
    computed = compute_standard(basis, income,
                                farmer_amount if basis == DuesBasis.FARMER else None)
    amount = computed.amount
    reduction_reason, approved_by = (reduction_reason or "").strip(), (approved_by or "").strip()
    if reduced:
        errors = {}
        if reduced_amount is None:
            errors["reduced_amount"] = "请填写经批准的月交纳额（免交填0）。"
        elif reduced_amount >= computed.amount:
            errors["reduced_amount"] = f"少交后的金额应低于按规定应交的{yuan(computed.amount)}元。"
        if not reduction_reason:
            errors["reduction_reason"] = "请填写经济困难的情况（少交或免交的原因）。"
        if not approved_by:
            errors["approved_by"] = "请填写批准的上一级党委。"
        if approved_on is None:
            errors["approved_on"] = "请填写批准日期。"
        elif approved_on > today:
            errors["approved_on"] = "批准日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        amount = reduced_amount.quantize(CENT)
    else:
        reduction_reason, approved_by, approved_on = "", "", None
    values = dict(basis=basis, income=income, rate=computed.rate,
                  computed_amount=computed.amount, amount=amount, reduced=bool(reduced),
                  reduction_reason=reduction_reason, reduction_approved_by=approved_by,
                  reduction_approved_on=approved_on, recorded_by=user if user is not None and user.pk else None)
    standard = DuesStandard.objects.filter(member=member, valid_from=valid_from).first()
    before = audit.snapshot(standard, STANDARD_FIELDS) if standard else {}
    if standard is None:
        standard = DuesStandard(member=member, valid_from=valid_from)
    for k, v in values.items():
        setattr(standard, k, v)
    standard.save()
    standard.member = member
    audit.record(user, standard, STANDARD, before=before, after=audit.snapshot(standard, STANDARD_FIELDS),
                 reason=(reason or computed.rule))
    recompute([member.pk])
    return standard


@transaction.atomic
def save_month(user, branch, month, paid_on, amounts, today=None):
    """Record one month's dues for members of `branch`: `amounts` is {member id: Decimal, or None
    for the member's standard}. Everything is checked first; any problem refuses the whole grid
    (a ValidationError listing every problem) and nothing is written. A fixed number of queries
    whatever the number of members. Returns the payments made."""
    today = today or datetime.date.today()
    _check_editor(user, branch)
    month = month_start(month)
    _check_month(month, today)
    _check_paid_on(paid_on, month, today)
    if not amounts:
        raise ValidationError("请至少勾选一名交纳党费的党员。")
    ids = {int(pk) for pk in amounts}
    members = {m.pk: m for m in Member.objects.on_roll().filter(organization=branch, pk__in=ids)
               .select_related("organization")}
    strangers = ids - set(members)
    if strangers:
        raise ValidationError(f"提交的名单中有{len(strangers)}人不是本支部的在册党员，未保存任何记录，请刷新页面后重新填写。")
    standards = {}
    for s in DuesStandard.objects.filter(member_id__in=ids, valid_from__lte=month).order_by("member_id", "valid_from"):
        standards[s.member_id] = s  # the last one in force in `month`
    done = {p.member_id: p for p in DuesPayment.objects.filter(member_id__in=ids, month=month)}
    errors, rows = [], []
    label = month_label(month)
    for pk in sorted(ids, key=lambda k: (members[k].name_pinyin, k)):
        m, s = members[pk], standards.get(pk)
        if pk in done:
            errors.append(f"{m.name}{label}的党费已于{done[pk].paid_on:%Y-%m-%d}登记，不能重复交纳；"
                          "如需更正，请到该党员的党费页面更正。")
            continue
        if s is None:
            errors.append(f"{m.name}{label}尚未核定党费标准，请先核定。")
            continue
        amount = amounts[pk].quantize(CENT) if amounts[pk] is not None else s.amount
        if amount < 0:
            errors.append(f"{m.name}的金额不能为负数。")
        elif amount > MAX_MONEY:
            errors.append(f"{m.name}的金额过大，请核对。")
        elif amount < s.amount:
            errors.append(f"{m.name}的金额{yuan(amount)}元少于党费标准{yuan(s.amount)}元；经批准少交的，请先修改党费标准。")
        else:
            rows.append(DuesPayment(member=m, month=month, amount=amount, paid_on=paid_on, organization=branch,
                                    recorded_by=user if user is not None and user.pk else None))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            made = DuesPayment.objects.bulk_create(rows)
    except IntegrityError as exc:  # someone recorded one of them meanwhile
        raise ValidationError(f"{label}有党员的党费刚被他人登记，未保存任何记录，请刷新页面后重新填写。") from exc
    batch = audit.new_batch()
    total = sum((p.amount for p in made), Decimal("0.00"))
    audit.record_many(user, [(p, {f: ["", audit.display_value(p, f)] for f in PAYMENT_FIELDS}) for p in made], PAY,
                      reason=f"{branch.name}{label}党费，{len(made)}人，合计{yuan(total)}元", batch=batch)
    contacts.touch([p.member_id for p in made], paid_on)
    recompute([p.member_id for p in made])
    return made


@transaction.atomic
def correct_payment(user, payment, *, amount=None, paid_on=None, reason="", delete=False, today=None):
    """更正 (amount, date) or delete one payment, with a reason. Audited; the contact clock and the
    paid-up-to month recomputed (either may go down)."""
    today = today or datetime.date.today()
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写更正或删除的原因。"})
    payment = DuesPayment.objects.select_for_update(of=("self",)).select_related("member__organization").get(
        pk=payment.pk)
    _check_editor(user, payment.member.organization)
    before = audit.snapshot(payment, PAYMENT_FIELDS)
    if delete:
        audit.record(user, payment, DELETE, before=before, after={f: "" for f in PAYMENT_FIELDS}, reason=reason)
        payment.delete()
    else:
        if amount is None:
            raise ValidationError({"amount": "请填写金额。"})
        s = standard_for(list(DuesStandard.objects.filter(member_id=payment.member_id).order_by("valid_from")),
                         payment.month)
        if s is not None and amount < s.amount:
            raise ValidationError({"amount": f"金额少于党费标准{yuan(s.amount)}元；经批准少交的，请先修改党费标准。"})
        _check_paid_on(paid_on, payment.month, today)
        payment.amount, payment.paid_on = amount.quantize(CENT), paid_on
        after = audit.snapshot(payment, PAYMENT_FIELDS)
        if after == before:
            raise ValidationError("没有修改任何内容。")
        payment.save(update_fields=["amount", "paid_on"])
        audit.record(user, payment, CORRECT, before=before, after=after, reason=reason)
    contacts.refresh([payment.member_id])
    recompute([payment.member_id])
    return payment
