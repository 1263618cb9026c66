"""The pilots' URLs for tests/core/test_scope.py and tests/core/test_hostile_input.py: which object
each takes, and how to make pilot objects on the organizations a viewer must not see."""

from branches.choices import OrgKind

from .helpers import make_unit, pilot_objects

PILOT_URL_CASES = {
    "pilots:programs": None,
    "pilots:program_create": None,
    "pilots:program": "pilot_program",
    "pilots:program_edit": "pilot_program",
    "pilots:unit_create": "pilot_program",
    "pilots:rollout": "pilot_program",
    "pilots:summaries": "pilot_program",
    "pilots:summaries_xlsx": "pilot_program",
    "pilots:summaries_pdf": "pilot_program",
    "pilots:dispatch": "pilot_program",
    "pilots:dispatch_pdf": "pilot_program",
    "pilots:unit": "pilot_unit",
    "pilots:unit_edit": "pilot_unit",
    "pilots:category_create": "pilot_unit",
    "pilots:scheme_copy": "pilot_unit",
    "pilots:unit_members": "pilot_unit",
    "pilots:summary": "pilot_unit",
    "pilots:report_create": "pilot_unit",
    "pilots:category_edit": "pilot_category",
    "pilots:category_delete": "pilot_category",
    "pilots:report": "pilot_report",
    "pilots:problem": "pilot_problem",
}


def pilot_targets(county, hidden_orgs):
    """A program whose units are all on `hidden_orgs` (the targets: each must answer 404), and a
    second one mixing hidden units with one on 山口村 followed by `two_grants`, so that the list
    pages have something the viewer may see beside what it must not."""
    orgs = [o for o in hidden_orgs if o.kind != OrgKind.GROUP]
    targets = pilot_objects(county, orgs, name="隐藏试点")
    mixed = pilot_objects(county, orgs, name="混合试点")
    if county.hill not in orgs:
        make_unit(county.admin, mixed["pilot_program"][0], county.hill, county.two_grants)
    return targets


def hostile_objects(county):
    """One pilot object of each kind on 东街村 (seen by the county, its secretary and its cadre)."""
    return {kind: objs[0] for kind, objs in pilot_objects(county).items()}
