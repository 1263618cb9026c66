"""branches.forms.ScopedOrganizationField: the organizations under a user's scope, as a tree; the
options and the validating queryset follow the same scope, and the queryset is built only to
validate a choice."""

from django import forms

from branches.forms import ScopedOrganizationField
from branches.models import Organization
from core.scoping import scope_paths


class OrgForm(forms.Form):
    org = ScopedOrganizationField(label="党组织", required=False, empty_label="全部",
                                  error_messages={"invalid_choice": "不在您的管理范围内。"})

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].set_scope(scope_paths(user))


def _labels(form):
    return [label for value, label in form.fields["org"].choices]


def test_each_form_lists_its_own_users_scope_as_a_tree(county, django_assert_num_queries):
    committee, secretary, sibling = (OrgForm(u) for u in (county.committee, county.secretary, county.sibling_secretary))
    assert _labels(committee) == ["全部", "\u3000城关镇党委", "\u3000\u3000东街村党支部",
                                  "\u3000\u3000\u3000东街村第一党小组", "\u3000\u3000西街村党支部"]
    assert _labels(secretary) == ["全部", "\u3000\u3000东街村党支部", "\u3000\u3000\u3000东街村第一党小组"]
    assert _labels(sibling) == ["全部", "\u3000\u3000西街村党支部"]
    with django_assert_num_queries(1):  # the options, once per form, however often they are read
        html = str(OrgForm(county.secretary)["org"])
    assert f'<option value="{county.east.pk}">' in html and str(county.west.pk) not in html
    assert OrgForm.base_fields["org"].scope is None  # the class's field is never given a scope


def test_a_choice_is_validated_against_the_same_scope(county):
    form = OrgForm(county.secretary, {"org": county.east_group.pk})
    assert form.is_valid() and form.cleaned_data["org"] == county.east_group
    for pk in (county.west.pk, county.town.pk, 999_999, "东街"):  # a sibling, above, unknown, not a number
        form = OrgForm(county.secretary, {"org": pk})
        assert not form.is_valid() and form.errors["org"] == ["不在您的管理范围内。"]
    Organization.objects.filter(pk=county.east_group.pk).update(is_dissolved=True)
    assert not OrgForm(county.secretary, {"org": county.east_group.pk}).is_valid()
    assert _labels(OrgForm(county.secretary)) == ["全部", "\u3000\u3000东街村党支部"]


def test_the_queryset_is_built_only_to_validate(county, monkeypatch):
    built = []
    within = type(Organization.objects.all()).within
    monkeypatch.setattr(type(Organization.objects.all()), "within",
                        lambda qs, paths: built.append(paths) or within(qs, paths))
    str(OrgForm(county.secretary)["org"])  # the options' SQL compiled (once per connection and scope)
    built.clear()
    form = OrgForm(county.secretary)
    assert str(county.east.pk) in str(form["org"]) and built == []  # shown without a queryset built
    assert OrgForm(county.secretary, {"org": county.east.pk}).is_valid()
    assert built == [(county.east.path,)]  # built to validate, from the same scope
