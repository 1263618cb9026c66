"""The columns a roster file may have: our template's headers, the national member information
system's, and the synonyms people write, each read into one member field.

A header is matched after normalizing it (full-width to ASCII, spaces and * dropped, a note in
brackets dropped: “人员类别（正式党员／预备党员）” is 人员类别), whatever the column order."""

import re
import unicodedata
from dataclasses import dataclass, field

from ..choices import Category, Degree, Education, Ethnicity, Gender, JobCategory, LostContactReason
from . import values as v


@dataclass(frozen=True)
class Column:
    key: str  # a Member field, or "organization" (the branch, by name)
    header: str  # our template's header
    synonyms: tuple = ()
    parse: object = v.text
    note: str = ""  # the template's header note
    required: bool = False  # for a new member
    choices: tuple = field(default=(), compare=False)  # the template's drop-down list
    width: int = 12


def _choices(cls, synonyms=None, what=""):
    parser = v.choice_parser(cls.choices, synonyms, what)
    return parser, tuple(parser.allowed)


_gender, _genders = _choices(Gender, {"男性": "男", "女性": "女"}, "性别")
_ethnicity, _ethnicities = _choices(Ethnicity, {"汉": "汉族"}, "民族")
_education, _educations = _choices(Education, {
    "研究生": Education.POSTGRADUATE, "博士研究生": Education.POSTGRADUATE, "硕士研究生": Education.POSTGRADUATE,
    "本科": Education.UNIVERSITY, "大学": Education.UNIVERSITY, "大专": Education.COLLEGE,
    "专科": Education.COLLEGE, "中专": Education.TECHNICAL, "中技": Education.TECHNICAL,
    "技工学校": Education.TECHNICAL, "中等专业学校": Education.TECHNICAL, "小学": Education.PRIMARY,
    "文盲": Education.PRIMARY, "高中及以下": Education.HIGH_SCHOOL, "职业高中": Education.HIGH_SCHOOL,
}, "学历")
_degree, _degrees = _choices(Degree, {"学士学位": Degree.BACHELOR, "硕士学位": Degree.MASTER,
                                      "博士学位": Degree.DOCTOR}, "学位")
_category, _categories = _choices(Category, {"正式": Category.FULL, "预备": Category.PROBATIONARY},
                                  "人员类别")
_job, _jobs = _choices(JobCategory, {
    "农民": JobCategory.FARMER, "牧民": JobCategory.FARMER, "渔民": JobCategory.FARMER,
    "离退休": JobCategory.RETIRED, "退休人员": JobCategory.RETIRED, "离休人员": JobCategory.RETIRED,
    "军人": JobCategory.SOLDIER, "武警": JobCategory.SOLDIER, "其他": JobCategory.OTHER,
    "机关工作人员": JobCategory.OFFICIAL, "公务员": JobCategory.OFFICIAL, "管理人员": JobCategory.MANAGER,
}, "工作岗位")
_lost = {label[1:]: code for code, label in LostContactReason.choices}  # 外出务工经商 -> 1
_lost.update({label[0]: code for code, label in LostContactReason.choices})  # ① -> 1
_lost_reason, _lost_reasons = _choices(LostContactReason, _lost, "失去联系情形")
_yes_no = ("是", "否")
DATE_NOTE = "日期，如 2001-07-01；也可写 2001.07、2001年7月、20010701。"

COLUMNS = (
    Column("name", "姓名", ("党员姓名",), v.name, "必填。", required=True, width=10),
    Column("gender", "性别", (), _gender, "男或女；不填时按公民身份号码。", choices=_genders, width=6),
    Column("ethnicity", "民族", (), _ethnicity, "如 汉族。", choices=_ethnicities, width=8),
    Column("birth_date", "出生日期", ("出生年月", "出生时间", "出生年月日"), v.parse_date,
           "不填时按公民身份号码。", width=12),
    Column("id_number", "公民身份号码", ("身份证号码", "身份证号", "身份证", "公民身份证号码", "公民身份证号",
                                     "证件号码", "身份号码"), v.parse_id,
           "必填，18位；本列为文本格式，请勿改成数字（Excel会丢掉后几位）。按此号码识别党员。", required=True, width=21),
    Column("native_place", "籍贯", (), v.text, width=10),
    Column("education", "学历", ("文化程度", "最高学历", "全日制学历"), _education, choices=_educations, width=10),
    Column("degree", "学位", ("最高学位",), _degree, choices=_degrees, width=8),
    Column("category", "人员类别", ("党员类别", "党员类型", "党员身份"), _category,
           "必填：正式党员或预备党员。", required=True, choices=_categories, width=10),
    Column("joined_on", "入党日期", ("入党时间", "加入党组织日期", "入党年月"), v.parse_date, "必填。" + DATE_NOTE,
           required=True, width=12),
    Column("full_member_on", "转正日期", ("转正时间", "转为正式党员日期", "转正年月"), v.parse_date,
           "正式党员必填。" + DATE_NOTE, width=12),
    Column("job_category", "工作岗位", ("岗位", "职业", "岗位类别", "现工作岗位"), _job, "必填。", required=True,
           choices=_jobs, width=16),
    Column("work_unit", "工作单位", ("单位", "工作单位名称", "现工作单位"), v.text, width=20),
    Column("post", "职务", ("行政职务",), v.text, width=10),
    Column("tech_title", "从事专业技术职务", ("专业技术职务", "职称"), v.text, width=14),
    Column("new_social_stratum", "新社会阶层类型", ("新社会阶层",), v.text, width=14),
    Column("is_migrant_worker", "是否农民工", (), v.parse_bool, "是或否。", choices=_yes_no, width=8),
    Column("phone", "手机号码", ("手机号", "手机", "联系电话", "联系方式", "电话", "移动电话"), v.parse_phone, width=14),
    Column("organization", "所在党支部", ("党支部", "所在党组织", "所属党支部", "所在支部", "党组织名称", "支部名称"),
           v.text, "本人可导入的党支部名称；上传时选定了党支部的，本列可不填。", width=20),
    Column("household_registration", "户籍所在地", ("户籍地", "户籍", "户口所在地"), v.text, width=20),
    Column("residence", "现居住地", ("现住址", "家庭住址", "居住地", "现居住地址", "家庭地址"), v.text, width=20),
    Column("is_lost_contact", "是否失联党员", ("是否失联",), v.parse_bool, "是或否。", choices=_yes_no, width=8),
    Column("lost_contact_reason", "失去联系情形", ("失联情形", "失联原因"), _lost_reason,
           "失联党员必填（代码①–⑦）。", choices=_lost_reasons, width=16),
    Column("lost_contact_since", "失去联系日期", ("失联日期", "失去联系时间", "失联时间"), v.parse_date, width=12),
    Column("is_mobile", "是否流动党员", ("是否流动",), v.parse_bool, "是或否。", choices=_yes_no, width=8),
    Column("notes", "备注", (), v.text, width=20),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Headers recognized and deliberately not read: a sequence number, and what only a decision changes.
IGNORED = {"序号", "编号", "党籍状态", "在册状态", "党龄"}

_BRACKETS = re.compile(r"[（(\[【].*?[）)\]】]")


def header_key(value):
    """A header cell as compared: NFKC, without spaces, *, a bracketed note or a trailing colon."""
    s = unicodedata.normalize("NFKC", str(value or ""))
    s = _BRACKETS.sub("", s)
    return re.sub(r"[\s*＊:：]", "", s)


_LOOKUP = {}
for _c in COLUMNS:
    for _h in (_c.header, *_c.synonyms):
        _LOOKUP[header_key(_h)] = _c


def match_header(value):
    """The Column a header names, "" for a known column that is not read, or None."""
    key = header_key(value)
    if not key:
        return None
    if key in IGNORED:
        return ""
    return _LOOKUP.get(key)
