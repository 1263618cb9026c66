"""seed_demo: a plausible county to demonstrate and benchmark the system.

    python manage.py seed_demo [--members 5000] [--seed 1921]

Builds 县委 → 12 党(工)委 → 党总支 → about 150 党支部 → 党小组, each with its leading body, then the
members and the demo logins (DEMO_ACCOUNTS). One seeded random generator draws everything, so a
seed always gives the same county (dates count back from today). The tree does not depend on
--members: the members are spread over the branches in proportion to each branch's drawn size.

Does nothing when the database already has organizations, so `make run` may call it every time.
"""

import datetime
import itertools
import random
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Grant, Role
from branches.choices import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    OfficerPost,
    OrgCategory,
    OrgKind,
    Sector,
)
from branches.models import PATH_SEGMENT, Officer, Organization
from core import audit
from members import idcard, placements
from members.choices import (
    Category,
    Degree,
    Education,
    Gender,
    LostContactReason,
    MembershipStatus,
    RollState,
)
from members.choices import JobCategory as Job
from members.models import Member, add_years, pinyin_key

BATCH = 2000
DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    # (role, organization name in the demo county; "" = the county committee), one per grant
    grants: tuple
    superuser: bool = False

    @property
    def role(self):
        return self.grants[0][0]


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", ((Role.COUNTY_ADMIN, ""),), superuser=True),
    DemoAccount("county", "刘建华", ((Role.COUNTY_ADMIN, ""),)),
    DemoAccount("committee", "陈志强", ((Role.COMMITTEE, "城关镇党委"),)),
    DemoAccount("committee2", "王海燕", ((Role.COMMITTEE, "县直机关工委"),)),
    DemoAccount("secretary", "张红梅", ((Role.BRANCH_SECRETARY, "城关镇红旗村党支部"),)),
    DemoAccount("secretary2", "李国强", ((Role.BRANCH_SECRETARY, "城关镇东风村党支部"),)),
    # A tracking cadre follows a few pilot units, in different committees.
    DemoAccount("cadre", "赵文斌", ((Role.TRACKING_CADRE, "县人民医院党总支"),
                                   (Role.TRACKING_CADRE, "县第一中学党总支"),
                                   (Role.TRACKING_CADRE, "县公安局党总支"))),
    # An organization-department clerk who is also the tracking cadre of a unit.
    DemoAccount("clerk", "孙丽娟", ((Role.COUNTY_ADMIN, ""), (Role.TRACKING_CADRE, "城关镇红旗村党支部"))),
]


class Weighted:
    """Items with weights, drawn in one call (the cumulative weights are computed once)."""

    def __init__(self, weights):
        self.items = list(weights)
        self.cum_weights = list(itertools.accumulate(weights.values()))

    def pick(self, rng):
        return rng.choices(self.items, cum_weights=self.cum_weights)[0]


# ---------------------------------------------------------------------------------------------
# People: names, ID numbers, education
# ---------------------------------------------------------------------------------------------

def _tiers(*tiers):
    return Weighted({name: weight for weight, names in tiers for name in names.split()})


SURNAMES = _tiers(
    (70, "王 李 张"), (54, "刘"), (45, "陈"), (31, "杨"), (20, "黄 赵 吴 周"), (16, "徐 孙"),
    (13, "马 朱 胡"), (11, "郭 何 高 林"), (8, "罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹"),
    (6, "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜"), (4, "叶 程 苏 魏 吕 丁 任 沈 姚 卢"),
    (3, "姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方"),
    (2, "白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 武 戴"),
    (1, "覃 莫 孔 向 汤 欧阳"),
)
# Given names by gender and generation (born before 1965, before 1985, later): single characters
# and two-character names.
GIVEN_NAMES = {
    (Gender.MALE, 0): ("林山明华忠德福贵荣生松", (
        "建国 建华 建军 国强 国庆 国平 志强 志刚 德明 德华 永安 永林 永福 春生 海林 保国 振华 文斌 "
        "玉林 红兵 卫东 学军 金山 福生 兴旺 成林 家明 立新 洪涛 庆丰 宝山 树林 根生 长海")),
    (Gender.MALE, 1): ("伟强军勇杰涛斌明刚平辉华峰亮健林波海东兵俊磊鹏", (
        "建平 海涛 志勇 永刚 晓东 春华 振宇 国华 立军 文杰 海峰 志军 建新 明亮 俊峰 宏伟 晓明 德胜 "
        "卫国 新民 红军 勇军 海波 剑锋 小兵 云飞 爱民 光明 建忠 正华")),
    (Gender.MALE, 2): ("浩宇轩杰博睿晨阳鑫凯帅旭磊鹏飞涛超", (
        "子轩 浩然 宇航 俊杰 思远 博文 家豪 明轩 一鸣 天宇 梓豪 皓宇 晨阳 子豪 睿泽 泽宇 浩宇 宇轩 "
        "文博 嘉伟 志远 鹏飞 佳乐 世杰 雨泽")),
    (Gender.FEMALE, 0): ("英兰芳珍梅华凤", (
        "秀英 桂英 玉兰 桂兰 秀兰 凤英 淑珍 秀珍 玉珍 桂芳 秀云 红梅 冬梅 兰英 美华 翠兰 素芳 玉梅 "
        "月娥 金花 凤兰 春梅 秀芝 玉英 桂珍 素珍 秀梅 凤珍")),
    (Gender.FEMALE, 1): ("芳丽敏静艳娟霞燕玲红梅萍琴莉英慧洁丹云", (
        "丽华 海燕 晓燕 红霞 丽娟 美玲 晓丽 春燕 小红 丽萍 建英 爱华 雪梅 金凤 晓红 玉芳 慧敏 丽琴 "
        "秀娟 艳红 红艳 小燕 美娟 晓霞 彩霞")),
    (Gender.FEMALE, 2): ("婷雪倩颖欣怡悦琳佳璐萌丹晶雨琪瑶蕾", (
        "欣怡 雨涵 梓涵 诗涵 思琪 佳怡 婷婷 雨欣 梦瑶 可欣 晓雪 佳琪 雅琪 心怡 紫涵 雨萱 若曦 安琪 "
        "子涵 静怡 诗雨 思雨 梦琪 雅婷 文静 丹丹 璐璐 倩倩")),
}
GIVEN_NAMES = {key: (singles, doubles.split()) for key, (singles, doubles) in GIVEN_NAMES.items()}
SINGLE_NAME_RATES = (0.3, 0.4, 0.25)  # by generation
ETHNICITIES = Weighted({
    "汉族": 975, "回族": 8, "满族": 5, "蒙古族": 3, "壮族": 3, "苗族": 2, "土家族": 2, "朝鲜族": 1, "彝族": 1,
})
# Region codes of the ID number (a county of 盐城, its neighbours, a few from farther away) and
# the 籍贯 they go with; None is the county itself.
HOME_REGION = "320925"
AREA_CODE = "0515"
REGIONS = Weighted({
    HOME_REGION: 850, "320921": 20, "320922": 20, "320923": 30, "320924": 30, "320902": 15,
    "320903": 15, "320102": 6, "321002": 6, "340103": 4, "370102": 4,
})
NATIVE_PLACES = {
    HOME_REGION: None, "320921": "江苏响水", "320922": "江苏滨海", "320923": "江苏阜宁",
    "320924": "江苏射阳", "320902": "江苏盐城", "320903": "江苏盐城", "320102": "江苏南京",
    "321002": "江苏扬州", "340103": "安徽合肥", "370102": "山东济南",
}

E = Education
EDUCATION = {
    Job.FARMER: Weighted({E.PRIMARY: 15, E.MIDDLE_SCHOOL: 45, E.HIGH_SCHOOL: 25, E.TECHNICAL: 7,
                          E.COLLEGE: 6, E.UNIVERSITY: 2}),
    Job.RETIRED: Weighted({E.PRIMARY: 5, E.MIDDLE_SCHOOL: 20, E.HIGH_SCHOOL: 20, E.TECHNICAL: 20,
                           E.COLLEGE: 20, E.UNIVERSITY: 15}),
    Job.OFFICIAL: Weighted({E.COLLEGE: 18, E.UNIVERSITY: 67, E.POSTGRADUATE: 15}),
    Job.PROFESSIONAL: Weighted({E.TECHNICAL: 5, E.COLLEGE: 20, E.UNIVERSITY: 60, E.POSTGRADUATE: 15}),
    Job.MANAGER: Weighted({E.HIGH_SCHOOL: 10, E.COLLEGE: 30, E.UNIVERSITY: 50, E.POSTGRADUATE: 10}),
    Job.WORKER: Weighted({E.MIDDLE_SCHOOL: 20, E.HIGH_SCHOOL: 35, E.TECHNICAL: 25, E.COLLEGE: 20}),
    Job.STUDENT: Weighted({E.COLLEGE: 30, E.UNIVERSITY: 60, E.POSTGRADUATE: 10}),
    Job.OTHER: Weighted({E.MIDDLE_SCHOOL: 25, E.HIGH_SCHOOL: 30, E.COLLEGE: 25, E.UNIVERSITY: 20}),
}
ELDER_EDUCATION = Weighted({E.PRIMARY: 30, E.MIDDLE_SCHOOL: 35, E.HIGH_SCHOOL: 20, E.TECHNICAL: 10,
                            E.COLLEGE: 5})
DEGREES = {
    E.UNIVERSITY: Weighted({Degree.BACHELOR: 90, Degree.NONE: 10}),
    E.POSTGRADUATE: Weighted({Degree.MASTER: 85, Degree.DOCTOR: 5, Degree.BACHELOR: 10}),
}

# Ages (min, mode, max) by occupation, and the rates of the member states.
JOB_AGES = {Job.FARMER: (28, 58, 88), Job.RETIRED: (58, 70, 95), Job.STUDENT: (20, 21, 24)}
WORKING_AGES = (23, 40, 60)
PROBATIONARY_AGES = (19, 27, 40)
PROBATIONARY_RATE = 0.06  # of members who are not retired
TRANSFER_RATE = 0.012
DEATH_RATE = 0.04  # of members aged 70 and over
STAYING_JOBS = (Job.RETIRED, Job.STUDENT, Job.OFFICIAL)  # never mobile members
# Days between the end of the one-year probation and the branch meeting that made the member full.
PROBATION_DELAYS = Weighted({(0, 10): 60, (11, 45): 28, (46, 150): 12})
MAX_PROBATION_DELAY = 150

DEFAULT_POSTS = {
    Job.OFFICIAL: ("科员", "科员", "一级科员", "四级主任科员", "副科长", "科长", "副局长"),
    Job.PROFESSIONAL: ("技术员", "会计", "工程师"),
    Job.MANAGER: ("总经理", "副总经理", "部门经理", "办公室主任"),
    Job.WORKER: ("操作工", "驾驶员", "电工", "仓库管理员", "装配工"),
    Job.OTHER: ("个体工商户", "自由职业"),
    Job.STUDENT: ("学生",),
}
UNIVERSITIES = ("南京师范大学", "扬州大学", "江苏大学", "盐城师范学院", "苏州大学", "南京农业大学")
LOCAL_EMPLOYERS = (
    "华通纺织有限公司", "宏达机械制造有限公司", "绿源食品有限公司", "新亚电子科技有限公司",
    "恒信建设工程有限公司", "天成物流有限公司", "县城市建设投资集团", "县农村商业银行",
)
LOST_REASONS = Weighted({
    LostContactReason.MIGRANT_WORK: 45, LostContactReason.RESTRUCTURING: 8,
    LostContactReason.GRADUATED: 7, LostContactReason.JOB_CHANGED: 12, LostContactReason.ABROAD: 4,
    LostContactReason.MOVED: 14, LostContactReason.OTHER: 10,
})
LOST_NOTES = {
    LostContactReason.MIGRANT_WORK: "外出务工经商后未与党组织联系",
    LostContactReason.RESTRUCTURING: "原单位改制后未接转组织关系",
    LostContactReason.GRADUATED: "毕业后去向不明",
    LostContactReason.JOB_CHANGED: "更换工作单位后未向党组织报告",
    LostContactReason.ABROAD: "出国（境）后未与党组织联系",
    LostContactReason.MOVED: "搬迁后未留联系方式",
    LostContactReason.OTHER: "长期在外，家属亦不掌握去向",
}
# Where mobile members work (流入地), and who employs them there.
DESTINATIONS = Weighted({
    ("江苏省苏州市工业园区", "苏州"): 22, ("上海市浦东新区", "上海"): 18, ("江苏省无锡市新吴区", "无锡"): 12,
    ("江苏省南京市江宁区", "南京"): 12, ("浙江省宁波市北仑区", "宁波"): 10, ("浙江省杭州市萧山区", "杭州"): 8,
    ("广东省深圳市宝安区", "深圳"): 10, ("广东省东莞市长安镇", "东莞"): 8,
})
COMPANY_WORDS = ("恒达", "华美", "宏远", "金鼎", "新世纪", "永盛", "汇通", "富源", "天宇", "嘉禾")
INDUSTRIES = ("电子", "机械", "建筑工程", "物流", "纺织", "食品", "精密制造", "汽车配件")
ROADS = ("长江路", "人民路", "星湖街", "创业路", "建设路", "工业大道", "新华路")
TRANSFER_DESTINATIONS = (
    "盐城市亭湖区五星街道党工委", "南京市江宁区秣陵街道党工委", "苏州工业园区娄葑街道党工委",
    "上海市浦东新区张江镇党委", "无锡市新吴区旺庄街道党工委", "杭州市萧山区北干街道党工委",
)
NEW_STRATA_OF_OTHERS = Weighted({"": 60, "自由职业人员": 30, "新媒体从业人员": 10})


# ---------------------------------------------------------------------------------------------
# Branch profiles: how the members of each kind of branch look
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    size: tuple[int, int]  # members, before scaling to --members
    jobs: Weighted
    category: str = ""  # OrgCategory of the branch; "" = its parent's
    sector: str = ""
    female: float = 0.3
    ages: tuple[int, int, int] | None = None  # (min, mode, max) for everyone, else by occupation
    mobile: float = 0.0
    lost: float = 0.0
    posts: dict = field(default_factory=dict)  # occupation -> posts, over DEFAULT_POSTS
    titles: tuple[str, ...] = ()  # 专业技术职务 of its professionals
    stratum: str = ""  # 新社会阶层类型 of its managers and professionals


def _profile(size, jobs, **kwargs):
    return Profile(size, Weighted(jobs), **kwargs)


C, S = OrgCategory, Sector
HOSPITAL_POSTS = {
    Job.PROFESSIONAL: ("医生", "医生", "护士", "护士", "药剂师", "检验师"),
    Job.MANAGER: ("院长", "副院长", "科主任", "护士长"),
    Job.WORKER: ("后勤人员", "驾驶员"),
}
HOSPITAL_TITLES = ("住院医师", "主治医师", "副主任医师", "主任医师", "护师", "主管护师")
PROFILES = {
    "village": _profile(
        (20, 60), {Job.FARMER: 64, Job.RETIRED: 10, Job.WORKER: 12, Job.OTHER: 6, Job.MANAGER: 4,
                   Job.PROFESSIONAL: 4},
        category=C.RURAL, sector=S.RURAL, female=0.2, mobile=0.13, lost=0.04,
        posts={Job.MANAGER: ("合作社负责人", "企业负责人", "车间主任"), Job.PROFESSIONAL: ("乡村医生", "农技员")},
    ),
    "village_elder": _profile(
        (30, 50), {Job.FARMER: 70, Job.RETIRED: 30}, category=C.RURAL, sector=S.RURAL, female=0.15,
        ages=(60, 72, 92),
    ),
    "village_mobile": _profile(
        (20, 40), {Job.WORKER: 60, Job.FARMER: 25, Job.OTHER: 15}, category=C.RURAL, sector=S.RURAL,
        female=0.2, ages=(22, 38, 58), mobile=0.7, lost=0.06,
    ),
    "community": _profile(
        (15, 45), {Job.RETIRED: 45, Job.WORKER: 14, Job.MANAGER: 10, Job.OTHER: 16, Job.PROFESSIONAL: 8,
                   Job.OFFICIAL: 4, Job.STUDENT: 3},
        category=C.COMMUNITY, sector=S.COMMUNITY, female=0.4, mobile=0.06, lost=0.03,
    ),
    "office": _profile(
        (10, 40), {Job.OFFICIAL: 88, Job.PROFESSIONAL: 8, Job.WORKER: 4},
        category=C.PARTY_GOVERNMENT, sector=S.GOVERNMENT, female=0.3,
        posts={Job.WORKER: ("驾驶员", "工勤人员")},
    ),
    "police": _profile(
        (20, 50), {Job.OFFICIAL: 92, Job.WORKER: 8}, category=C.PARTY_GOVERNMENT, sector=S.GOVERNMENT,
        female=0.12, posts={Job.OFFICIAL: ("民警", "民警", "民警", "副中队长", "中队长", "副大队长", "教导员"),
                            Job.WORKER: ("辅警",)},
    ),
    "school": _profile(
        (15, 50), {Job.PROFESSIONAL: 86, Job.MANAGER: 10, Job.WORKER: 4}, category=C.SCHOOL,
        sector=S.SCHOOL, female=0.55, lost=0.002,
        posts={Job.PROFESSIONAL: ("教师",), Job.MANAGER: ("校长", "副校长", "教务主任", "政教主任"),
               Job.WORKER: ("后勤人员", "门卫")},
        titles=("二级教师", "一级教师", "一级教师", "高级教师"),
    ),
    "hospital": _profile(
        (20, 60), {Job.PROFESSIONAL: 80, Job.MANAGER: 12, Job.WORKER: 8}, category=C.OTHER_INSTITUTION,
        sector=S.HOSPITAL, female=0.6, lost=0.002, posts=HOSPITAL_POSTS, titles=HOSPITAL_TITLES,
    ),
    "clinic": _profile(
        (8, 25), {Job.PROFESSIONAL: 80, Job.MANAGER: 12, Job.WORKER: 8}, category=C.OTHER_INSTITUTION,
        sector=S.HOSPITAL, female=0.55, lost=0.002, posts=HOSPITAL_POSTS, titles=HOSPITAL_TITLES,
    ),
    "institution": _profile(
        (8, 25), {Job.PROFESSIONAL: 55, Job.MANAGER: 30, Job.WORKER: 15}, category=C.OTHER_INSTITUTION,
        sector=S.INSTITUTION, female=0.45, lost=0.002,
        posts={Job.PROFESSIONAL: ("医师", "检验员", "监督员"), Job.MANAGER: ("主任", "副主任", "科长")},
        titles=("助理工程师", "工程师", "主管医师"),
    ),
    "enterprise": _profile(
        (10, 40), {Job.MANAGER: 35, Job.WORKER: 45, Job.PROFESSIONAL: 20}, category=C.STATE_ENTERPRISE,
        sector=S.STATE_ENTERPRISE, female=0.3, mobile=0.01, lost=0.006,
        titles=("助理工程师", "工程师", "高级工程师", "会计师"),
    ),
    "project": _profile(
        (8, 20), {Job.MANAGER: 50, Job.PROFESSIONAL: 40, Job.WORKER: 10}, category=C.STATE_ENTERPRISE,
        sector=S.STATE_ENTERPRISE, female=0.15, ages=(26, 40, 55),
        posts={Job.MANAGER: ("项目经理", "项目副经理", "安全主管")}, titles=("工程师", "高级工程师"),
    ),
    "nonpublic": _profile(
        (5, 20), {Job.MANAGER: 40, Job.WORKER: 30, Job.PROFESSIONAL: 20, Job.OTHER: 10},
        category=C.NON_PUBLIC_ENTERPRISE, sector=S.TWO_NEW, female=0.35, mobile=0.05, lost=0.04,
        titles=("助理工程师", "工程师"), stratum="民营企业和外资企业管理技术人员",
    ),
    "social": _profile(
        (5, 15), {Job.PROFESSIONAL: 50, Job.OTHER: 30, Job.MANAGER: 20},
        category=C.SOCIAL_ORGANIZATION, sector=S.TWO_NEW, female=0.45, mobile=0.02, lost=0.03,
        posts={Job.PROFESSIONAL: ("律师", "社会工作者", "会计"), Job.OTHER: ("个体工商户", "自由职业")},
        titles=("四级律师", "三级律师", "助理社会工作师", "社会工作师"), stratum="中介组织和社会组织从业人员",
    ),
    "retired": _profile((50, 120), {Job.RETIRED: 1}, female=0.35),
}


# ---------------------------------------------------------------------------------------------
# The organization tree
# ---------------------------------------------------------------------------------------------

@dataclass
class Node:
    name: str
    kind: str
    profile: str = ""  # a branch's PROFILES key
    unit: str = ""  # the members' work unit; the organization's address
    place: tuple[str, str] | None = None  # (township, village or community): addresses
    category: str = ""
    sector: str = ""
    children: list["Node"] = field(default_factory=list)
    org: Organization | None = None
    size: int = 0  # drawn number of members, before scaling

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _branch(name, profile, *, unit="", place=None, kind=OrgKind.BRANCH):
    return Node(name, kind, profile=profile, unit=unit, place=place)


def _general(name, children, *, unit="", place=None):
    return Node(name, OrgKind.GENERAL_BRANCH, unit=unit, place=place, children=children)


def _committee(name, kind, category, sector, unit, children):
    return Node(name, kind, unit=unit, category=category, sector=sector, children=children)


# (township, villages, communities); the first two are the county seat's.
TOWNSHIPS = [
    ("城关镇", ("红旗村", "东风村", "新桥村", "柳庄村", "王庄村", "李集村"),
     ("东门社区", "西门社区", "南苑社区", "北街社区")),
    ("河口镇", ("河口村", "沙湾村", "芦荡村", "三闸村", "龙王庙村", "新河村"), ()),
    ("白马镇", ("白马村", "金牛村", "杨桥村", "马集村", "庙湾村", "丁庄村", "周圩村", "花园村", "太平村", "双河村"), ()),
    ("石桥镇", ("石桥村", "前进村", "光明村", "朱湾村", "孙庄村", "胜利村", "团结村", "高桥村", "刘集村"), ("石桥社区",)),
    ("青山乡", ("青山村", "松林村", "茶园村", "桃源村", "竹溪村", "凤凰村", "岭下村"), ()),
    ("柳溪乡", ("柳溪村", "黄土村", "石门村", "安乐村", "长岗村", "大塘村"), ()),
]
# Large villages with a 党总支 over branches by member type.
VILLAGE_GENERAL_BRANCHES = {
    "河口镇": [
        ("永丰村", [("第一", "village"), ("第二", "village"), ("老党员", "village_elder")]),
        ("渔港村", [("渔业", "village"), ("农业", "village"), ("流动党员", "village_mobile")]),
    ],
}
STREET = "新华街道"
STREET_COMMUNITIES = ("新华社区", "人民路社区", "建设路社区", "文昌社区", "迎宾社区", "锦绣社区", "滨河社区")
SEAT_TOWNSHIPS = ("城关镇", STREET)
BUREAUS = (
    "县委办公室", "县政府办公室", "县纪委监委", "县委组织部", "县委宣传部", "县委统战部", "县发展和改革委员会",
    "县财政局", "县教育局", "县民政局", "县人力资源和社会保障局", "县自然资源和规划局", "县住房和城乡建设局",
    "县交通运输局", "县农业农村局", "县水务局", "县商务局", "县卫生健康委员会", "县市场监督管理局",
    "县应急管理局", "县审计局", "县统计局", "县退役军人事务局", "县医疗保障局",
)
SCHOOLS = (
    "县第二中学", "县实验中学", "县实验小学", "县城关小学", "县职业教育中心", "县特殊教育学校", "县机关幼儿园",
    "河口镇中心小学", "白马镇中学", "石桥镇中心小学", "青山乡中心学校", "柳溪乡中心学校",
)
STATE_ENTERPRISES = (
    "县交通投资集团", "县自来水公司", "县农村商业银行", "县粮食购销公司", "县公共交通公司", "县旅游发展公司",
)
NON_PUBLIC_ENTERPRISES = (
    "华通纺织有限公司", "宏达机械制造有限公司", "绿源食品有限公司", "新亚电子科技有限公司",
    "恒信建设工程有限公司", "天成物流有限公司",
)
SOCIAL_ORGANIZATIONS = ("县律师行业", "县个体劳动者私营企业协会", "县社会工作服务中心")


def _township(town, villages, communities):
    children = [_branch(f"{town}机关党支部", "office", unit=f"{town}人民政府")]
    children += [_branch(f"{town}{v}党支部", "village", place=(town, v)) for v in villages]
    children += [_branch(f"{town}{c}党支部", "community", place=(town, c)) for c in communities]
    for village, branches in VILLAGE_GENERAL_BRANCHES.get(town, []):
        children.append(_general(
            f"{town}{village}党总支",
            [_branch(f"{town}{village}{label}党支部", p, place=(town, village)) for label, p in branches],
            place=(town, village),
        ))
    return _committee(f"{town}党委", OrgKind.COMMITTEE, C.RURAL, S.RURAL, f"{town}人民政府", children)


def county_tree(county_name):
    """The demo county, as unsaved nodes."""
    township_committees = [_township(*t) for t in TOWNSHIPS]
    township_committees[2].children.append(
        _branch("白马镇个体工商户联合党支部", "nonpublic", kind=OrgKind.JOINT_BRANCH, unit="白马镇个体工商户"))
    street = _committee(STREET + "党工委", OrgKind.WORKING_COMMITTEE, C.COMMUNITY, S.COMMUNITY,
                        STREET + "办事处", [
        _branch(f"{STREET}机关党支部", "office", unit=STREET + "办事处"),
        *[_branch(f"{STREET}{c}党支部", "community", place=(STREET, c)) for c in STREET_COMMUNITIES],
        _general(f"{STREET}幸福里社区党总支", [
            _branch(f"{STREET}幸福里社区{label}党支部", p, place=(STREET, "幸福里社区"))
            for label, p in (("第一", "community"), ("第二", "community"), ("离退休", "retired"))
        ], place=(STREET, "幸福里社区")),
    ])
    offices = _committee("县直机关工委", OrgKind.WORKING_COMMITTEE, C.PARTY_GOVERNMENT, S.GOVERNMENT,
                         "县委组织部", [
        *[_branch(f"{b}机关党支部", "office", unit=b) for b in BUREAUS],
        _general("县公安局党总支", [
            _branch(f"县公安局{d}党支部", "police", unit="县公安局") for d in ("治安大队", "刑侦大队", "交警大队", "城关派出所")
        ], unit="县公安局"),
        _branch("县直机关离退休干部党支部", "retired", unit="县直机关"),
    ])
    schools = _committee("县教育系统党委", OrgKind.COMMITTEE, C.SCHOOL, S.SCHOOL, "县教育局", [
        _general("县第一中学党总支", [
            _branch("县第一中学高中部第一党支部", "school", unit="县第一中学"),
            _branch("县第一中学高中部第二党支部", "school", unit="县第一中学"),
            _branch("县第一中学离退休教师党支部", "retired", unit="县第一中学"),
        ], unit="县第一中学"),
        *[_branch(f"{s}党支部", "school", unit=s) for s in SCHOOLS],
    ])
    health = _committee("县卫生健康系统党委", OrgKind.COMMITTEE, C.OTHER_INSTITUTION, S.HOSPITAL,
                        "县卫生健康委员会", [
        _general("县人民医院党总支", [
            *[_branch(f"县人民医院{d}党支部", "hospital", unit="县人民医院") for d in ("内科", "外科", "医技", "行政后勤")],
            _branch("县人民医院离退休党支部", "retired", unit="县人民医院"),
        ], unit="县人民医院"),
        _branch("县中医院党支部", "hospital", unit="县中医院"),
        _branch("县妇幼保健院党支部", "hospital", unit="县妇幼保健院"),
        _branch("县疾病预防控制中心党支部", "institution", unit="县疾病预防控制中心"),
        _branch("县卫生监督所党支部", "institution", unit="县卫生监督所"),
        *[_branch(f"{t}卫生院党支部", "clinic", unit=f"{t}卫生院") for t, _, _ in TOWNSHIPS],
    ])
    enterprises = _committee("县国有企业党委", OrgKind.COMMITTEE, C.STATE_ENTERPRISE, S.STATE_ENTERPRISE,
                             "县国有资产管理中心", [
        _general("县城市建设投资集团党总支", [
            _branch(f"县城市建设投资集团{d}党支部", "enterprise", unit="县城市建设投资集团")
            for d in ("机关", "建设公司", "物业公司")
        ], unit="县城市建设投资集团"),
        *[_branch(f"{e}党支部", "enterprise", unit=e) for e in STATE_ENTERPRISES],
        _branch("县重点项目建设临时党支部", "project", kind=OrgKind.TEMP_BRANCH, unit="县重点项目指挥部"),
    ])
    two_new = _committee("县非公企业和社会组织党委", OrgKind.COMMITTEE, C.NON_PUBLIC_ENTERPRISE, S.TWO_NEW,
                         "县行政服务中心", [
        *[_branch(f"{e}党支部", "nonpublic", unit=e) for e in NON_PUBLIC_ENTERPRISES],
        _branch("城东商圈联合党支部", "nonpublic", kind=OrgKind.JOINT_BRANCH, unit="城东商圈"),
        _branch("开发区小微企业联合党支部", "nonpublic", kind=OrgKind.JOINT_BRANCH, unit="县经济开发区"),
        *[_branch(f"{s}党支部", "social", unit=s) for s in SOCIAL_ORGANIZATIONS],
        _branch("县物流行业协会联合党支部", "social", kind=OrgKind.JOINT_BRANCH, unit="县物流行业协会"),
    ])
    return Node(f"{county_name}委", OrgKind.COUNTY, unit="县委大院", category=C.PARTY_GOVERNMENT,
                sector=S.GOVERNMENT, children=[*township_committees, street, offices, schools, health,
                                               enterprises, two_new])


OFFICER_POSTS = {
    OrgKind.COUNTY: (OfficerPost.SECRETARY, OfficerPost.DEPUTY, OfficerPost.DEPUTY),
    OrgKind.COMMITTEE: (OfficerPost.SECRETARY, OfficerPost.DEPUTY, OfficerPost.ORGANIZATION,
                        OfficerPost.PROPAGANDA, OfficerPost.DISCIPLINE),
    OrgKind.GENERAL_BRANCH: (OfficerPost.SECRETARY, OfficerPost.ORGANIZATION, OfficerPost.PROPAGANDA),
    OrgKind.BRANCH: (OfficerPost.SECRETARY, OfficerPost.ORGANIZATION, OfficerPost.PROPAGANDA),
    OrgKind.GROUP: (OfficerPost.LEADER,),
}
OFFICER_POSTS[OrgKind.WORKING_COMMITTEE] = OFFICER_POSTS[OrgKind.COMMITTEE]
OFFICER_POSTS[OrgKind.JOINT_BRANCH] = OFFICER_POSTS[OrgKind.TEMP_BRANCH] = OFFICER_POSTS[OrgKind.BRANCH]
GROUP_ORDINALS = "一二三"


def apportion(weights, total):
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    whole = sum(weights)
    quotas = [w * total / whole for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------------------------

class CountyBuilder:
    def __init__(self, rng, today, county_name, total_members):
        self.rng = rng
        self.today = today
        self.county_name = county_name
        self.total_members = total_members
        self.root = county_tree(county_name)
        places = [n.place for n in self.root.walk() if n.place]
        self.villages = list(dict.fromkeys(p for p in places if p[1].endswith("村")))
        self.seat = list(dict.fromkeys(
            p for p in places if p[0] in SEAT_TOWNSHIPS and not p[1].endswith("村")))
        self.id_numbers = set()
        self.pinyin = {}
        self.officers = []
        self.pending = []
        self.member_count = 0

    def build(self):
        self._plan(self.root, None)
        self._save_tree()
        branches = [n for n in self.root.walk() if n.kind in BRANCH_KINDS]
        for node, count in zip(branches, apportion([n.size for n in branches], self.total_members)):
            self._populate(node, count)
        self._flush()
        Officer.objects.bulk_create(self.officers, batch_size=BATCH)
        return [n.org for n in self.root.walk()]

    # -- organizations ---------------------------------------------------------------------

    def _plan(self, node, parent):
        """Make the node's (unsaved) organization; draw a branch's size and its party groups."""
        rng = self.rng
        profile = PROFILES.get(node.profile)
        node.category = node.category or (profile and profile.category) or parent.category
        node.sector = node.sector or (profile and profile.sector) or parent.sector
        node.org = Organization(
            name=node.name, kind=node.kind, category=node.category, sector=node.sector,
            parent=parent.org if parent else None, established_on=self._date_between(1950, 2016),
            phone=f"{AREA_CODE}-8{rng.randint(0, 9_999_999):07d}", address=self._org_address(node),
        )
        if profile:
            node.size = rng.randint(*profile.size)
            groups = 0 if node.size < 30 else min(3, node.size // 20)
            stem = node.name.removesuffix("党支部")
            node.children = [
                Node(f"{stem}第{GROUP_ORDINALS[i]}党小组", OrgKind.GROUP, unit=node.unit, place=node.place)
                for i in range(groups)
            ]
        elif node.kind != OrgKind.GROUP:
            self._add_officers(node.org, [])
        for child in node.children:
            self._plan(child, node)

    def _org_address(self, node):
        if node.place:
            town, place = node.place
            return f"{self.county_name}{town}{place}党群服务中心"
        if node.unit:
            return f"{self.county_name}{node.unit.removeprefix('县')}"
        return ""

    def _save_tree(self):
        """Create the organizations level by level, with the path and depth that
        branches.services.create_organization gives: parent's path + the zero-padded pk."""
        level, depth = [self.root], 0
        while level:
            orgs = [n.org for n in level]
            for i, org in enumerate(orgs):
                org.path = f"~{depth}.{i}"  # unique placeholder until the pk is known
                org.depth = depth
            Organization.objects.bulk_create(orgs, batch_size=BATCH)
            for org in orgs:
                org.path = f"{org.parent.path if org.parent else ''}{org.pk:0{PATH_SEGMENT}d}."
            Organization.objects.bulk_update(orgs, ["path"], batch_size=BATCH)
            level, depth = [c for n in level for c in n.children], depth + 1

    def _add_officers(self, org, members):
        """The leading body: members of the organization where it has enough, else others."""
        rng = self.rng
        posts = OFFICER_POSTS[org.kind]
        eligible = [
            m for m in members
            if m.roll_state == RollState.ON_ROLL and m.category == Category.FULL
            and not (m.is_lost_contact or m.is_mobile)
        ]
        working = [m for m in eligible if m.job_category != Job.RETIRED] or eligible
        chosen = rng.sample(working, min(len(posts), len(working)))
        people = [(m.name, m.phone or self.phone()) for m in chosen]
        while len(people) < len(posts):
            people.append((self._outsider_name(), self.phone()))
        self.officers += [
            Officer(organization=org, post=post, name=name, phone=phone, order=i)
            for i, (post, (name, phone)) in enumerate(zip(posts, people))
        ]

    # -- members ---------------------------------------------------------------------------

    def _populate(self, node, count):
        rng = self.rng
        profile = PROFILES[node.profile]
        members = [self._member(node, profile) for _ in range(count)]
        groups = {child.org: [] for child in node.children}
        group_orgs = list(groups)
        for m in members:
            if group_orgs and rng.random() < 0.9:
                m.party_group = rng.choice(group_orgs)
                groups[m.party_group].append(m)
        self._add_officers(node.org, members)
        for group, group_members in groups.items():
            self._add_officers(group, group_members)
        self.pending += members
        self.member_count += count
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self):
        Member.objects.bulk_create(self.pending, batch_size=BATCH)
        self.pending = []

    def _member(self, node, profile):
        rng, today = self.rng, self.today
        job = profile.jobs.pick(rng)
        probationary = (
            job != Job.RETIRED and (profile.ages is None or profile.ages[0] < PROBATIONARY_AGES[2])
            and rng.random() < PROBATIONARY_RATE
        )
        if probationary:
            low, mode, high = JOB_AGES[Job.STUDENT] if job == Job.STUDENT else PROBATIONARY_AGES
        else:
            low, mode, high = profile.ages or JOB_AGES.get(job, WORKING_AGES)
        age = rng.triangular(low, high, mode)
        birth = today - datetime.timedelta(days=int(age * 365.25))
        gender = Gender.FEMALE if rng.random() < profile.female else Gender.MALE
        region = REGIONS.pick(rng)
        name = SURNAMES.pick(rng) + self._given_name(gender, birth.year)
        joined, full_on = self._joining(birth, probationary)
        education = (ELDER_EDUCATION if age >= 70 else EDUCATION[job]).pick(rng)
        degree = DEGREES[education].pick(rng) if education in DEGREES else Degree.NONE
        home, residence = self._addresses(node)
        m = Member(
            name=name, name_pinyin=self._pinyin(name), gender=gender, ethnicity=ETHNICITIES.pick(rng),
            birth_date=birth, id_number=self._id_number(region, birth, gender),
            native_place=NATIVE_PLACES[region] or self.county_name, education=education, degree=degree,
            category=Category.PROBATIONARY if probationary else Category.FULL, joined_on=joined,
            full_member_on=full_on, job_category=job, organization=node.org,
            phone="" if age >= 80 and rng.random() < 0.3 else self.phone(),
            household_registration=home, residence=residence,
        )
        self._work(m, node, profile)
        self._status(m, node, profile, age)
        return m

    def _given_name(self, gender, birth_year):
        rng = self.rng
        generation = (birth_year >= 1965) + (birth_year >= 1985)
        singles, doubles = GIVEN_NAMES[gender, generation]
        if rng.random() < SINGLE_NAME_RATES[generation]:
            return rng.choice(singles)
        return rng.choice(doubles)

    def _outsider_name(self):
        """A person who is not among the generated members (an officer of a committee)."""
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < 0.3 else Gender.MALE
        return SURNAMES.pick(rng) + self._given_name(gender, rng.randint(1966, 1990))

    def _pinyin(self, name):
        if name not in self.pinyin:
            self.pinyin[name] = pinyin_key(name)
        return self.pinyin[name]

    def _id_number(self, region, birth, gender):
        """A unique GB 11643 number; its 17th digit is odd for a man, even for a woman."""
        rng = self.rng
        while True:
            sequence = rng.randint(0, 99) * 10 + rng.randrange(gender == Gender.MALE, 10, 2)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + idcard.check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _joining(self, birth, probationary):
        """(joined_on, full_member_on): joined at 18 or older; full a year (and a little) later."""
        rng, today = self.rng, self.today
        earliest = add_years(birth, 18)
        if probationary:
            earliest = max(earliest, today - datetime.timedelta(days=364))
            latest = today - datetime.timedelta(days=3)
            return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days)), None
        latest = add_years(today, -1) - datetime.timedelta(days=MAX_PROBATION_DELAY + 3)
        span = (latest - earliest).days
        joined = earliest + datetime.timedelta(
            days=int(rng.triangular(0, min(span, 35 * 365), min(span, 6 * 365))))
        delay = rng.randint(*PROBATION_DELAYS.pick(rng))
        return joined, add_years(joined, 1) + datetime.timedelta(days=delay)

    def _addresses(self, node):
        """(household registration, residence)."""
        rng = self.rng
        if node.place:
            home = self._home(*node.place)
            return home, home if rng.random() < 0.8 else self._home(*rng.choice(self.seat))
        residence = self._home(*rng.choice(self.seat))
        return residence if rng.random() < 0.7 else self._home(*rng.choice(self.villages)), residence

    def _home(self, town, place):
        rng = self.rng
        if place.endswith("村"):
            return f"{self.county_name}{town}{place}{rng.randint(1, 12)}组"
        return f"{self.county_name}{town}{place}{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"

    def _work(self, m, node, profile):
        """Work unit, post, professional title and social stratum, by occupation."""
        rng, job = self.rng, m.job_category
        if job == Job.FARMER:
            return
        if job == Job.RETIRED:
            if node.unit:
                m.work_unit, m.post = node.unit, "退休"
            return
        if job == Job.STUDENT:
            m.work_unit = rng.choice(UNIVERSITIES)
        elif node.unit:
            m.work_unit = node.unit
        elif job in (Job.WORKER, Job.MANAGER):
            m.work_unit = rng.choice(LOCAL_EMPLOYERS)
        elif job == Job.OFFICIAL:
            m.work_unit = rng.choice(BUREAUS)
        m.post = rng.choice(profile.posts.get(job) or DEFAULT_POSTS[job])
        if job == Job.PROFESSIONAL and profile.titles and rng.random() < 0.75:
            m.tech_title = rng.choice(profile.titles)
        if job in (Job.MANAGER, Job.PROFESSIONAL):
            m.new_social_stratum = profile.stratum
        elif job == Job.OTHER:
            m.new_social_stratum = NEW_STRATA_OF_OTHERS.pick(rng)
        m.is_migrant_worker = job == Job.WORKER and node.sector == Sector.RURAL

    def _status(self, m, node, profile, age):
        """Roll state, lost contact, mobility: most members are simply on the roll."""
        rng, today = self.rng, self.today
        if m.category == Category.FULL:
            if age >= 70 and rng.random() < DEATH_RATE:
                m.roll_state = RollState.DECEASED
                m.roll_state_on = self._date_since(max(m.full_member_on, add_years(today, -3)))
                m.notes = "病故"
                return
            if m.job_category != Job.RETIRED and rng.random() < TRANSFER_RATE:
                m.roll_state = RollState.TRANSFERRED_OUT
                m.roll_state_on = self._date_since(max(m.full_member_on, add_years(today, -3)))
                m.notes = f"组织关系转至{rng.choice(TRANSFER_DESTINATIONS)}"
                return
            start = max(m.full_member_on, add_years(today, -10))
            if m.job_category != Job.RETIRED and rng.random() < profile.lost and (today - start).days > 400:
                since = self._date_since(start, until=today - datetime.timedelta(days=200))
                reason = LOST_REASONS.pick(rng)
                m.is_lost_contact, m.lost_contact_reason, m.lost_contact_since = True, reason, since
                m.notes = LOST_NOTES[reason]
                if (today - since).days > 365 and rng.random() < 0.5:
                    m.membership_status = MembershipStatus.SUSPENDED
                return
        if m.job_category not in STAYING_JOBS and age < 60 and rng.random() < profile.mobile:
            destination, city = DESTINATIONS.pick(rng)
            if m.job_category == Job.FARMER:
                m.job_category = Job.WORKER
            m.post = rng.choice(DEFAULT_POSTS[m.job_category])
            m.is_mobile = True
            m.is_migrant_worker = node.sector == Sector.RURAL and m.job_category == Job.WORKER
            m.work_unit = f"{city}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"
            m.residence = f"{destination}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
            m.notes = f"外出务工，流入地：{destination}"
            if rng.random() < 0.5:
                m.notes += "；已与流入地党组织建立联系"

    # -- small draws -----------------------------------------------------------------------

    def phone(self):
        rng = self.rng
        return f"{rng.choice(('13', '15', '18'))}{rng.randint(0, 999_999_999):09d}"

    def _date_between(self, first_year, last_year):
        start, end = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _date_since(self, start, until=None):
        """A day from `start` to `until` (default yesterday); `until` itself if that is earlier."""
        until = until or self.today - datetime.timedelta(days=1)
        return until - datetime.timedelta(days=self.rng.randint(0, max(0, (until - start).days)))


# ---------------------------------------------------------------------------------------------

def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(headers, rows):
    """A plain-text table whose columns line up with Chinese text (two cells per character)."""
    table = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(table[0]), "  ".join("-" * w for w in widths), *map(line, table[1:])])


def account_rows(county_name):
    """角色 | 用户名 | 密码 | 所在党组织, one row per demo login (roles and organizations of
    several grants joined with 、)."""
    rows = []
    for a in DEMO_ACCOUNTS:
        roles = "、".join(dict.fromkeys(str(Role(r).label) for r, _ in a.grants))
        orgs = "、".join(org or f"{county_name}委" for _, org in a.grants)
        rows.append([roles + ("（超级管理员）" if a.superuser else ""), a.username, DEMO_PASSWORD, orgs])
    return rows


class Command(BaseCommand):
    help = "生成演示数据：一个县的党组织、党员和演示账号（数据库中已有党组织时不做任何事）。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=5000, help="党员人数（默认 5000）")
        parser.add_argument("--seed", type=int, default=1921, help="随机种子（默认 1921）")

    def handle(self, *args, members, seed, **options):
        if members < 0:
            raise CommandError("--members 不能为负数。")
        if Organization.objects.exists():
            self.stdout.write("数据库中已有党组织，未重复生成。")
            self._print_accounts(settings.COUNTY_NAME)
            return
        county_name = settings.COUNTY_NAME
        self.stdout.write(f"正在生成演示数据：{county_name}，党员 {members} 名，随机种子 {seed} ……")
        started = time.perf_counter()
        with transaction.atomic():
            builder = CountyBuilder(random.Random(seed), timezone.localdate(), county_name, members)
            orgs = builder.build()
            placements.backfill()  # the members were created in bulk: each gets its placement
            skipped = self._create_accounts(builder, {o.name: o for o in orgs})
            self._demo_history()
            audit.record(
                None, orgs[0], audit.Action.CREATE,
                reason=f"生成演示数据：党组织 {len(orgs)} 个，党员 {builder.member_count} 名",
            )
        # Fresh statistics for the query planner: without them PostgreSQL (until autovacuum comes
        # round) and SQLite pick slow plans for the scoped roster on a freshly loaded table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started

        kinds = [o.kind for o in orgs]
        self.stdout.write(self.style.SUCCESS(
            f"已生成：党(工)委 {sum(k in COMMITTEE_KINDS for k in kinds)} 个、"
            f"党总支 {kinds.count(OrgKind.GENERAL_BRANCH)} 个、党支部 {sum(k in BRANCH_KINDS for k in kinds)} 个、"
            f"党小组 {kinds.count(OrgKind.GROUP)} 个、党员 {builder.member_count} 名，用时 {elapsed:.1f} 秒。"
        ))
        for username in skipped:
            self.stdout.write(self.style.WARNING(f"用户名 {username} 已存在，未创建也未修改该账号。"))
        self._print_accounts(county_name)

    def _print_accounts(self, county_name):
        self.stdout.write("\n演示账号（密码未被修改时）：\n" + format_table(["角色", "用户名", "密码", "所在党组织"],
                                                              account_rows(county_name)))

    def _create_accounts(self, builder, orgs_by_name):
        """Create the demo logins; returns the usernames left alone because they already exist."""
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)
        skipped = []
        for a in DEMO_ACCOUNTS:
            if User.objects.filter(username=a.username).exists():
                skipped.append(a.username)
                continue
            user = User.objects.create(
                username=a.username, password=password, display_name=a.display_name,
                phone=builder.phone(), is_superuser=a.superuser, is_staff=a.superuser,
            )
            Grant.objects.bulk_create([
                Grant(user=user, role=role, organization=orgs_by_name[org or f"{builder.county_name}委"])
                for role, org in a.grants
            ])
        return skipped

    def _demo_history(self):
        """A few everyday changes made through the services, so that the demo's histories and
        操作记录 are not empty: a phone number, a move between sibling branches, a death."""
        from members import services

        User = get_user_model()
        users = {u.username: u for u in User.objects.filter(username__in=["secretary", "secretary2", "committee"])}
        if len(users) < 3:
            return
        today = timezone.localdate()
        own = Member.objects.on_roll().filter(organization=users["secretary"].home_branch).order_by("pk")
        first = own.first()
        if first is None:
            return
        first.phone = "139" + first.phone[3:] if not first.phone.startswith("139") else "138" + first.phone[3:]
        services.update_member(users["secretary"], first, "本人更换手机号码")
        second = own.exclude(pk=first.pk).first()
        if second is not None:
            services.move_member(users["committee"], second, users["secretary2"].home_branch,
                                 "随家庭迁居，转入相邻村党支部")
        elder = own.filter(birth_date__lte=add_years(today, -80)).exclude(pk=first.pk).first()
        if elder is not None:
            services.change_roll_state(users["secretary"], elder, RollState.DECEASED, today, "因病去世")
