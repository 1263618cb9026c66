"""The demo county's organization tree as unsaved nodes: 县委 → 12 党(工)委 → 党总支 → 党支部, with
the places and units that give members their addresses and workplaces."""

from dataclasses import dataclass, field

from branches.choices import OfficerPost, OrgKind
from branches.choices import OrgCategory as C
from branches.choices import Sector as S
from branches.models import Organization


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
    count: int = 0  # a branch's members, once scaled to --members (and split)
    founded: tuple[int, int] | None = None  # years its founding date is drawn from, over the default

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
        ("永丰村", [("东片", "village"), ("西片", "village"), ("老党员", "village_elder")]),
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
            for label, p in (("东苑", "community"), ("西苑", "community"), ("离退休", "retired"))
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
            _branch("县第一中学高中部党支部", "school", unit="县第一中学"),
            _branch("县第一中学初中部党支部", "school", unit="县第一中学"),
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
    street.founded, two_new.founded = (1984, 1990), (2001, 2006)  # newer than the others
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
MAX_GROUPS = 5

# Founding dates: drawn from these years, and always after the parent's (see tree.TreeBuilder).
FOUNDED_BY_KIND = {
    OrgKind.COUNTY: (1946, 1949), OrgKind.COMMITTEE: (1950, 1958), OrgKind.WORKING_COMMITTEE: (1952, 1960),
    OrgKind.GENERAL_BRANCH: (1955, 1985),
}
FOUNDED_BY_PROFILE = {
    "village": (1950, 1965), "village_elder": (1950, 1965), "village_mobile": (2005, 2012),
    "community": (1984, 2000), "office": (1952, 1985), "police": (1952, 1980), "school": (1955, 1985),
    "hospital": (1952, 1975), "clinic": (1958, 1985), "institution": (1980, 2000), "enterprise": (1960, 1995),
    "project": (2008, 2012), "nonpublic": (2002, 2016), "social": (2005, 2016), "retired": (1952, 1962),
}

# A branch that would have more than BRANCH_CAP members is split into several branches of the same
# unit (第一党支部, 第二党支部, ...), each under the cap.
BRANCH_CAP = 100
_DIGITS = "零一二三四五六七八九"


def chinese_number(n):
    """1..99 in Chinese numerals: 一, 十, 十一, 二十三."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def split_sizes(count, cap=BRANCH_CAP):
    """The sizes of the branches a branch of `count` members becomes: itself when within the cap,
    else as few branches as keep every one within it, as equal as can be."""
    return apportion([1] * max(1, -(-count // cap)), count)


def part_names(name, parts):
    """The names of the `parts` branches a branch called `name` is split into."""
    if parts == 1:
        return [name]
    stem = name.removesuffix("党支部")
    if stem[-2:-1] == "第" or stem[-3:-2] == "第":  # already numbered: 第一党支部（一）
        return [f"{name}（{chinese_number(i)}）" for i in range(1, parts + 1)]
    return [f"{stem}第{chinese_number(i)}党支部" for i in range(1, parts + 1)]


def apportion(weights, total):
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    whole = sum(weights)
    quotas = [w * total / whole for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts

