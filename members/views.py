from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from core import audit, exports
from core.documents import row_fields, screen_rows
from core.pagination import page_of
from core.views import notify_queued

from . import decision_views, dues_views, mobile_views, placements, services, transfers
from .choices import RollState
from .exports import params_from_request
from .forms import (
    QUICK_FIELDS,
    MemberForm,
    MoveAllForm,
    MoveMemberForm,
    QuickEditForm,
    RollStateForm,
    placeable_branches,
    visible_branches,
)
from .models import Member
from .roster import (
    COLUMNS,
    COMPACT_FIELDS,
    PAGE_SIZE,
    ROSTER_ROWS,
    ROW_FIELDS,
    SORTS,
    org_tree,
    roster_columns,
    roster_query,
)


def _visible(request):
    return Member.objects.visible_to(request.user).select_related("organization", "party_group")


def roster(request):
    query, form = roster_query(request.user, request.GET)
    columns = roster_columns(request.user, request.GET.getlist("columns"))
    fields = row_fields(columns, *ROW_FIELDS, *COMPACT_FIELDS)
    page = page_of(request, ROSTER_ROWS.source((query, fields)), PAGE_SIZE)
    valid = form.is_bound and form.is_valid()
    tree = org_tree(request.user)
    return render(request, "members/roster.html", {
        "form": form,
        "page": page,
        "rows": screen_rows(columns, page.object_list, start=page.start_index()),
        "columns": columns,
        "all_columns": COLUMNS,
        "chosen": {c.key for c in columns},
        "sortable": set(SORTS),
        "sort": form.cleaned_data.get("sort", "") if valid else "",
        # the search box is always shown: only the other filters are behind 筛选条件 on a phone
        "filtered": any(request.GET.get(name) for name in form.fields if name not in ("sort", "q")),
        "can_edit": permissions.can_edit_members(request.user),
        "tree": tree,
        "selected_org": form.cleaned_data.get("org") if valid else None,
    })


@require_POST
def roster_export(request, fmt):
    """The roster's Excel/PDF buttons post the page's filters and ticked columns here."""
    try:
        response, job = exports.start(request.user, "roster", fmt, params_from_request(request))
    except exports.ExportRefused as exc:
        return exports.refused(request, exc)
    if job is not None:
        notify_queued(request, job)
        return redirect("downloads")
    return response


def member_detail(request, pk):
    member = get_object_or_404(_visible(request), pk=pk)
    editor = permissions.can_edit_member(request.user, member)
    letter = transfers.open_letter(member)
    return render(request, "members/detail.html", {
        "member": member,
        "history": audit.history(member)[:200],
        "placements": placements.history(member),
        "can_edit": editor and member.on_roll,
        # a secretary's editor grant covers its own branch only: nowhere to move to
        "can_move": editor and member.on_roll and placeable_branches(request.user).exclude(
            pk=member.organization_id).exists(),
        "can_change_state": editor and bool(services.ROLL_TRANSITIONS[member.roll_state]) and letter is None,
        "letter": letter,
        "today": transfers.today(),
        "letters": member.transfer_letters.select_related("to_org").order_by("-issued_on", "-pk")[:20],
        "full_ids": permissions.can_see_full_id(request.user, member),
        # who does what this user cannot (no dead ends): the member's branch and the level above it
        "above": member.organization.parent,
        **decision_views.member_context(request.user, member),
        **dues_views.member_context(request.user, member),
        **mobile_views.member_context(request.user, member),
    })


def _require_editor(request, member=None):
    """Some editor grant; for a member, one that covers the member's branch."""
    if not permissions.can_edit_members(request.user):
        raise PermissionDenied
    if member is not None and not permissions.can_edit_member(request.user, member):
        raise PermissionDenied


def member_create(request):
    _require_editor(request)
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = request.GET["org"]
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    done, member = form.perform(request, lambda cd: services.create_member(request.user, form.instance, cd["reason"]))
    if done:
        messages.success(request, f"已登记党员“{member.name}”。")
        return redirect("members:detail", member.pk)
    return render(request, "members/form.html", {"form": form, "title": "登记党员"})


def member_edit(request, pk):
    _require_editor(request)
    member = get_object_or_404(_visible(request), pk=pk)
    _require_editor(request, member)
    if not member.on_roll:
        raise PermissionDenied
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    done, _ = form.perform(request, lambda cd: services.update_member(request.user, form.instance, cd["reason"],
                                                                      seen=form.seen()))
    if done:
        messages.success(request, "修改已保存。")
        return redirect("members:detail", member.pk)
    return render(request, "members/form.html", {"form": form, "member": member, "title": f"编辑：{member.name}"})


def member_quick(request, pk):
    """One common field (members.forms.QUICK_FIELDS, named by ?field=) changed on its own page."""
    member = get_object_or_404(_visible(request), pk=pk)
    field = request.GET.get("field", "")
    if field not in QUICK_FIELDS:
        raise Http404
    _require_editor(request, member)
    if not member.on_roll:
        raise PermissionDenied
    old = member.party_group.name if field == "party_group" and member.party_group else getattr(member, field)
    form = QuickEditForm(request.POST or None, instance=member, user=request.user, field=field)
    done, _ = form.perform(request, lambda cd: services.update_member(request.user, form.instance, seen=form.seen()))
    if done:
        messages.success(request, f"{QUICK_FIELDS[field]}已保存。")
        return redirect("members:detail", member.pk)
    return render(request, "members/quick.html", {
        "form": form, "member": member, "label": QUICK_FIELDS[field], "old": old or "",
        "title": f"修改{QUICK_FIELDS[field]}：{member.name}",
    })


def member_move(request, pk):
    _require_editor(request)
    member = get_object_or_404(_visible(request), pk=pk)
    _require_editor(request, member)
    form = MoveMemberForm(request.POST or None, user=request.user, exclude_branch=member.organization, member=member)
    done, _ = form.perform(request, lambda cd: services.move_member(request.user, member, cd["branch"], cd["reason"],
                                                                    seen=form.seen()))
    if done:
        messages.success(request, f"已将“{member.name}”转入“{form.cleaned_data['branch'].name}”。")
        return redirect("members:detail", member.pk)
    return render(request, "members/action.html", {
        "form": form, "member": member, "title": f"转移党支部：{member.name}", "submit": "确认转移",
    })


class _DryRun(Exception):
    """Raised inside a savepoint to undo a service call that was only a check."""


def _dry_run(action):
    """Run `action` (a service call) and undo it: its ValidationError, if any, is raised as usual.
    The confirmation step checks everything the save would check (scope, stale page, a group of
    another branch) before asking the user to confirm."""
    try:
        with transaction.atomic():
            action()
            raise _DryRun
    except _DryRun:
        pass


def member_state(request, pk):
    """A roll-state change in two steps: the form (no choice preselected), then its consequence to
    confirm (the same values posted again with confirmed=1); only the confirmed post saves."""
    _require_editor(request)
    member = get_object_or_404(_visible(request), pk=pk)
    _require_editor(request, member)
    form = RollStateForm(request.POST or None, member=member, user=request.user)
    confirmed = request.POST.get("confirmed") == "1" and "edit_again" not in request.POST

    def change(cd):
        def save():
            return services.change_roll_state(
                request.user, member, cd["roll_state"], cd["on_date"], cd["reason"], seen=form.seen(),
                **({"branch": cd["branch"] or member.organization, "party_group": cd["party_group"]}
                   if "branch" in cd else {}),
            )
        if confirmed:
            return save()
        _dry_run(save)
        return None

    done, _ = (False, None) if "edit_again" in request.POST else form.perform(request, change)
    context = {"form": form, "member": member, "title": f"变更在册状态：{member.name}"}
    if done and confirmed:
        messages.success(request, "在册状态已变更。")
        return redirect("members:detail", member.pk)
    if done:
        return render(request, "members/state_confirm.html", {**context, "consequence": form.consequence(),
                                                               "state_label": RollState(form.cleaned_data["roll_state"]).label})
    return render(request, "members/state.html", {**context, "submit": "下一步：确认变更"})


def branch_move_all(request, org_pk):
    """整体转移: every member of a branch to another branch, e.g. before the branch is dissolved."""
    _require_editor(request)
    source = get_object_or_404(visible_branches(request.user), pk=org_pk)
    count = Member.objects.on_roll().filter(organization=source).count()
    form = MoveAllForm(request.POST or None, user=request.user, exclude_branch=source)
    done, n = form.perform(
        request, lambda cd: services.move_all_members(request.user, source, cd["branch"], cd["reason"])
    )
    if done:
        messages.success(request, f"已将{n}名党员整体转入“{form.cleaned_data['branch'].name}”。")
        return redirect("branches:detail", source.pk)
    return render(request, "members/move_all.html", {"form": form, "source": source, "count": count})
