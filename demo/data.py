"""The demo county's people: names, ID regions, education, ages, work, and the profiles of the
kinds of branch (how the members of a village branch differ from a school's). Tables only."""

import itertools
from dataclasses import dataclass, field

from branches.choices import OrgCategory, Sector
from members.choices import Degree, Education, Gender, LostContactReason
from members.choices import JobCategory as Job


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
# 转正 falls on the anniversary of joining, or at the end of an extension (6-12 months, once).
EXTENDED_RATE = 0.03  # of full members, whose probation was extended
EXTENSION_MONTHS = (6, 12)
OVERDUE_RATE = 0.08  # of 预备党员: the year is up and the branch has not yet decided
EXTENDING_RATE = 0.05  # of 预备党员: in an approved extension

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
