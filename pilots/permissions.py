"""Who may do what in a pilot program, on top of scope (PilotUnit.objects.visible_to).

County staff run the program; a unit's own editors (its secretary or committee, the unit's leader)
shape its scheme and assign its members; the unit's tracking cadre and its leader file the monthly
report and keep the problems list. A tracking cadre never changes the unit's records."""

from accounts.models import EDITOR_ROLES
from core.scoping import covers


def can_manage_program(user):
    return user.is_active and user.is_county_admin


def can_edit_scheme(user, unit):
    """An editor grant covers the unit's organization."""
    return user.is_active and covers(user.paths_for(EDITOR_ROLES), unit.organization.path)


def can_report(user, unit):
    """Some grant covers the unit: its tracking cadre, its leader's editor grant, county staff."""
    return user.is_active and bool(user.roles_on(unit.organization.path))
