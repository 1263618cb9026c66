from django.db import models


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Category(models.TextChoices):
    """人员类别."""

    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class RollState(models.TextChoices):
    """在册状态. 出党 says how in `RemovalKind`; 去世 and 已转出 are facts, 出党 only an approved decision."""

    ON_ROLL = "on_roll", "在册"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    REMOVED = "removed", "出党"
    DECEASED = "deceased", "去世"


class RemovalKind(models.TextChoices):
    """出党方式: how a member left the Party (附件4 组织处置情况 and the statistics' 减少党员).
    Blank for records entered as 出党 before the kinds were kept."""

    EXPELLED = "expelled", "开除党籍"
    STRUCK_OFF = "struck_off", "除名"
    QUIT = "quit", "退党除名"
    LAPSED = "lapsed", "自行脱党除名"
    DISQUALIFIED = "disqualified", "取消预备党员资格"


class MembershipStatus(models.TextChoices):
    """党籍状态 (附件4 规范管理情况: 停止党籍, 保留组织关系), each with its date on the member."""

    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停止党籍"
    RETAINED = "retained", "出国（境）保留组织关系"


class JobCategory(models.TextChoices):
    """工作岗位 (the national member information system's top-level categories)."""

    WORKER = "worker", "工人"
    FARMER = "farmer", "农牧渔民"
    PROFESSIONAL = "professional", "专业技术人员"
    MANAGER = "manager", "企事业单位管理人员"
    OFFICIAL = "official", "党政机关工作人员"
    STUDENT = "student", "学生"
    RETIRED = "retired", "离退休人员"
    SOLDIER = "soldier", "军人、武警"
    OTHER = "other", "其他职业人员"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    UNIVERSITY = "university", "大学本科"
    COLLEGE = "college", "大学专科"
    TECHNICAL = "technical", "中等专科"
    HIGH_SCHOOL = "high_school", "高中"
    MIDDLE_SCHOOL = "middle_school", "初中"
    PRIMARY = "primary", "小学及以下"


class Degree(models.TextChoices):
    NONE = "", "无"
    BACHELOR = "bachelor", "学士"
    MASTER = "master", "硕士"
    DOCTOR = "doctor", "博士"


class LostContactReason(models.TextChoices):
    """失去联系情形 (FORMS.md, fixed national codes)."""

    MIGRANT_WORK = "1", "①外出务工经商"
    RESTRUCTURING = "2", "②单位改制或破产"
    GRADUATED = "3", "③毕业后去向不明"
    JOB_CHANGED = "4", "④工作单位改变"
    ABROAD = "5", "⑤出国（境）"
    MOVED = "6", "⑥居住地改变"
    OTHER = "7", "⑦其他"


ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "其他",
]
Ethnicity = models.TextChoices("Ethnicity", [(e, e) for e in ETHNICITIES])
