from django import forms

from core.concurrency import VersionFieldsMixin
from core.forms import CleanInputMixin, DateInput, ServiceErrorsMixin
from core.prepared import Compiled
from core.scoping import collapse
from core.validators import REASON_MAX, validate_past_date
from core.widgets import OrgTreeSelect

from .choices import OfficerPost, OrgKind
from .models import Organization


def tree_label(org):
    """An organization's name indented by its depth, so that a select list reads as the tree."""
    return "\u3000" * org.depth + org.name


class TreeChoiceIterator(forms.models.ModelChoiceIterator):
    """The options of an organization select as tree_label shows them, read as three columns:
    building 300 full Organization objects for the county's list took a third of its roster page.
    The field still validates a choice against its queryset. The options are read once per
    iterator: list() asks for the length first, which ModelChoiceIterator answers with a COUNT query.
    """

    def _rows(self):
        """(pk, name, depth) of each option."""
        return self.queryset.values_list("pk", "name", "depth")

    def _options(self):
        if not hasattr(self, "_read"):  # an iterator is made per queryset (ModelChoiceField.choices)
            self._read = [(pk, "\u3000" * depth + name) for pk, name, depth in self._rows()]
        return self._read

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._options()

    def __len__(self):
        return len(self._options()) + (self.field.empty_label is not None)


# An organization select's options for a scope (collapsed path prefixes): compiled once per connection.
SCOPED_OPTIONS = Compiled(lambda paths: Organization.objects.within(paths).active().values_list("pk", "name", "depth"))


class ScopedTreeChoiceIterator(TreeChoiceIterator):
    """The options of a ScopedOrganizationField as TreeChoiceIterator shows them, read with SQL kept
    per scope (the ORM's building was 0.3 ms of every roster page), without building the field's
    queryset."""

    def __init__(self, field):
        self.field = field

    def _rows(self):
        return SCOPED_OPTIONS.rows((self.field.scope,))


class ScopedOrganizationField(forms.ModelChoiceField):
    """A choice among the active organizations under a user's scope (`set_scope`), listed as a tree.
    The queryset that validates a choice and the options shown both follow `scope`; the queryset is
    built only when a choice is validated (a page that only shows the select never needs it)."""

    iterator = ScopedTreeChoiceIterator
    scope = None  # collapsed path prefixes; None: nothing to choose

    def __init__(self, **kwargs):
        super().__init__(queryset=None, **kwargs)

    def set_scope(self, paths):
        self.scope = tuple(collapse(paths))
        self._queryset = None
        self.widget.choices = self.choices

    def __deepcopy__(self, memo):
        # ModelChoiceField's copies the queryset (building it here); the copy builds its own.
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        result._queryset = None
        result.widget.choices = result.choices  # options read for the copy's field (Django #11183)
        return result

    def _get_queryset(self):
        if self._queryset is None:
            self._queryset = (Organization.objects.within(self.scope).active() if self.scope is not None
                              else Organization.objects.none())
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)


class TreeLabel(str):
    """An option's label (indented like tree_label) that also knows its parent's name, for the picker's
    headings when the parent is not itself a choice (a list of branches under their committees)."""

    def __new__(cls, text, parent=""):
        label = super().__new__(cls, text)
        label.parent = parent or ""
        return label


class PickerChoiceIterator(TreeChoiceIterator):
    def _options(self):
        if getattr(self, "_read_for", None) is not self.queryset:
            self._read_for = self.queryset
            self._read = [(pk, TreeLabel("\u3000" * depth + name, parent))
                          for pk, name, depth, parent in self.queryset.values_list("pk", "name", "depth", "parent__name")]
        return self._read


def tree_picker(field):
    """An organization field shown as the searchable tree picker (core.widgets.OrgTreeSelect,
    static/js/orgpicker.js), its options read as three columns (PickerChoiceIterator). The field's
    queryset, and so what a post may name, is unchanged."""
    field.iterator = PickerChoiceIterator
    widget = OrgTreeSelect(attrs=field.widget.attrs)
    widget.is_required, widget.choices = field.required, field.choices
    field.widget = widget
    return field


class OrganizationForm(VersionFieldsMixin, ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "category", "sector", "parent", "established_on", "phone", "address"]
        widgets = {"established_on": DateInput()}

    def __init__(self, *args, user, kinds, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The parents offered: those under grants that allow creating (accounts.permissions).
        self.fields["parent"].queryset = parents if parents is not None else Organization.objects.visible_to(user).active()
        self.fields["parent"].label_from_instance = tree_label
        self.fields["parent"].required = True  # only the county committee has none, and it exists
        tree_picker(self.fields["parent"])
        self.fields["parent"].error_messages["invalid_choice"] = "所选党组织不存在或不在您的管理范围内。"
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if not self.instance.pk and OrgKind.BRANCH in kinds:
            self.fields["kind"].initial = OrgKind.BRANCH
        if self.instance.pk:
            self.add_version_fields(self.instance)
            # The place in the tree changes only through 调整隶属关系 (move), with a reason.
            del self.fields["parent"]
            if self.instance.kind not in kinds:
                del self.fields["kind"]


class MoveForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    parent = forms.ModelChoiceField(
        label="新的上级党组织", queryset=Organization.objects.none(),
        error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。",
                        "required": "请选择新的上级党组织。"},
    )
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX,
                             error_messages={"required": "请填写调整理由。"})

    def __init__(self, *args, org, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version_fields(org)
        self.fields["parent"].queryset = parents.exclude(path__startswith=org.path)
        self.fields["parent"].label_from_instance = tree_label
        tree_picker(self.fields["parent"])


class DissolveForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    dissolved_on = forms.DateField(label="撤销日期", widget=DateInput(), validators=[validate_past_date],
                                   error_messages={"required": "请填写撤销日期。", "invalid": "日期格式应为 2026-11-27。"})
    reason = forms.CharField(label="撤销理由（如上级批复文号）", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=REASON_MAX,
                             error_messages={"required": "请填写撤销理由。"})

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version_fields(org)


class OfficerForm(CleanInputMixin, forms.Form):
    post = forms.ChoiceField(label="职务", choices=[("", "—"), *OfficerPost.choices], required=False)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def clean(self):
        cd = super().clean()
        if cd.get("name") and not cd.get("post"):
            self.add_error("post", "请选择职务。")
        if cd.get("post") and not cd.get("name"):
            self.add_error("name", "请填写姓名。")
        return cd


OfficerFormSet = forms.formset_factory(OfficerForm, extra=2, max_num=15)
