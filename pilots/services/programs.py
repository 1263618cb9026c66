"""Programs and their units. Each change in one transaction, audited inside it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Role
from core import audit

from ..choices import Step
from ..models import Phase, PilotUnit, Program

PROGRAM_FIELDS = ["name", "group_leader", "group_deputies", "group_members", "office"]
UNIT_FIELDS = ["sector", "tracking_cadre", "leader_name", "group_members"]
ROLLOUT = audit.register_action("pilot_rollout", "全面推开")


def check_phases(dates):
    """`dates`: {step: (starts_on, ends_on)} for every step. Each ends after it starts and the steps
    follow one another in the plan's order."""
    errors = {}
    previous = None
    for step in Step:
        start, end = dates.get(step, (None, None))
        if not start or not end:
            errors[f"{step}_start"] = f"请填写“{step.label}”的起止日期。"
            continue
        if end < start:
            errors[f"{step}_end"] = f"“{step.label}”的结束日期不能早于开始日期。"
        elif previous and start < previous[1]:
            errors[f"{step}_start"] = f"“{step.label}”应在“{previous[0].label}”结束之后开始。"
        previous = (step, end)
    if errors:
        raise ValidationError(errors)


def _phases_text(program):
    return "；".join(f"{p.label} {p.starts_on:%Y-%m-%d}至{p.ends_on:%Y-%m-%d}" for p in program.phase_list())


@transaction.atomic
def save_program(actor, program, dates):
    """Create or change a program and its phases' dates."""
    check_phases(dates)
    creating = program.pk is None
    before = {} if creating else {**audit.snapshot(Program.objects.get(pk=program.pk), PROGRAM_FIELDS),
                                  "phases": _phases_text(program)}
    if creating:
        program.created_by = actor
    program.full_clean()
    program.save()
    for step, (start, end) in dates.items():
        Phase.objects.update_or_create(program=program, step=step, defaults={"starts_on": start, "ends_on": end})
    program = Program.objects.prefetch_related("phases").get(pk=program.pk)
    after = {**audit.snapshot(program, PROGRAM_FIELDS), "phases": _phases_text(program)}
    audit.record(actor, program, audit.Action.CREATE if creating else audit.Action.UPDATE, before=before,
                 after=after)
    return program


def _ensure_cadre_grant(actor, unit):
    """The unit's tracking cadre holds a grant covering the unit: a tracking_cadre grant on the unit is
    given when none does (county staff who follow a unit see it already)."""
    cadre = unit.tracking_cadre
    if cadre.is_superuser or cadre.roles_on(unit.organization.path):  # some grant covers it already
        return
    account_services.grant(actor, cadre, Role.TRACKING_CADRE, unit.organization,
                           reason=f"试点单位“{unit.organization.name}”的跟踪指导责任人")
    cadre.forget_grants()


def _drop_cadre_grant(actor, cadre, unit):
    """The unit's former cadre loses the tracking_cadre grant on the unit's organization, unless it
    still follows a unit there (in another program) or it is the account's only grant."""
    if PilotUnit.objects.filter(organization=unit.organization, tracking_cadre=cadre).exists():
        return
    grant = cadre.grants.filter(role=Role.TRACKING_CADRE, organization=unit.organization).first()
    if grant is None or cadre.grants.count() <= 1:
        return
    account_services.revoke(actor, cadre, grant, reason=f"不再担任“{unit.organization.name}”的跟踪指导责任人")
    cadre.forget_grants()


@transaction.atomic
def save_unit(actor, unit):
    """Make an organization a pilot unit of its program, or change the unit's cadre and working group."""
    creating = unit.pk is None
    org = unit.organization
    if org.is_dissolved or org.is_group:
        raise ValidationError({"organization": "已撤销的党组织和党小组不能作为试点单位。"})
    if unit.tracking_cadre is None:
        raise ValidationError({"tracking_cadre": "请选择跟踪指导责任人。"})
    if not unit.tracking_cadre.is_active:
        raise ValidationError({"tracking_cadre": "所选账号已停用。"})
    old = None if creating else PilotUnit.objects.select_related("tracking_cadre").get(pk=unit.pk)
    before = {} if creating else audit.snapshot(old, UNIT_FIELDS)
    try:
        unit.validate_constraints()
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise ValidationError({"organization": "该党组织已是本试点工作的试点单位。"}) from None
    _ensure_cadre_grant(actor, unit)
    if old is not None and old.tracking_cadre_id != unit.tracking_cadre_id:
        _drop_cadre_grant(actor, old.tracking_cadre, unit)
    audit.record(actor, unit, audit.Action.CREATE if creating else audit.Action.UPDATE, before=before,
                 after=audit.snapshot(unit, UNIT_FIELDS),
                 reason=f"{unit.program.name}：试点单位" if creating else "")
    return unit


@transaction.atomic
def roll_out(actor, program, on=None):
    """总结提升 done: the program's schemes become templates for every unit of the county."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.rolled_out_on:
        raise ValidationError("该试点工作已经全面推开。")
    if not program.units.filter(categories__isnull=False).exists():
        raise ValidationError("还没有任何试点单位制定分类方案，不能全面推开。")
    program.rolled_out_on = on or timezone.localdate()
    program.save(update_fields=["rolled_out_on"])
    audit.record(actor, program, ROLLOUT, reason="试点单位的分类方案可作为全县各单位的模板")
    return program


@transaction.atomic
def save_summary(actor, unit, text):
    """The unit's experience summary (经验材料), written by its leader or its tracking cadre."""
    unit = PilotUnit.objects.select_for_update().select_related("organization").get(pk=unit.pk)
    before = audit.snapshot(unit, ["summary"])
    unit.summary = text.strip()
    unit.summary_at = timezone.now()
    unit.full_clean(exclude=["program", "organization", "tracking_cadre", "sector", "leader_name"])
    unit.save(update_fields=["summary", "summary_at"])
    audit.record(actor, unit, audit.Action.UPDATE, before=before, after=audit.snapshot(unit, ["summary"]))
    return unit
