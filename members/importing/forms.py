from django import forms

from core.forms import ServiceErrorsMixin

from ..forms import placeable_branches
from .reading import MAX_BYTES

BY_COLUMN = "按文件中的“所在党支部”列（可导入多个党支部）"


class UploadForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label="党员名册文件（.xlsx 或 .xls）",
        help_text=f"本系统的导入模板，或从全国党员管理信息系统导出的党员名册；不超过 {MAX_BYTES // 1024 // 1024} MB。"
                  "表头可以在标题行下面，列的顺序不限。",
        error_messages={"required": "请选择要导入的 Excel 文件。", "empty": "文件是空的，请选择党员名册的 Excel 文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls"}),
    )
    branch = forms.ModelChoiceField(
        label="导入到党支部", queryset=None, required=False,
        error_messages={"invalid_choice": "所选党支部不在您的管理范围内。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = placeable_branches(user)
        field = self.fields["branch"]
        field.queryset = branches
        only = list(branches[:2])
        if len(only) == 1:  # a secretary: everything goes into its branch
            field.required = True
            field.empty_label = None
            field.initial = only[0].pk
            field.help_text = "文件中的全部党员都导入本支部。"
        else:
            field.empty_label = BY_COLUMN
            field.help_text = "选定一个党支部，文件中的全部党员都导入该支部；或按文件中每行的“所在党支部”导入。"
