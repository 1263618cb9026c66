"""Bench: preview and commit of a 5,000-row roster file (the national system's export style): 4,000
new members spread over the branches of one committee by the 所在党支部 column, and 1,000 rows of
members already there with a changed phone number. The commit is rolled back after each run, so the
bench database stays as it was."""

import datetime
import io
import random

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from branches.choices import OrgKind
from branches.models import Organization

from . import idcard
from .models import ImportBatch, Member

ROWS = 5000
UPDATES = 1000
HEADERS = ["序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "学位", "所在党支部",
           "手机号码", "入党日期", "转正日期", "工作岗位", "现居住地", "户籍所在地", "是否失联党员", "是否流动党员"]


def _committee():
    """The committee with the most branches (a file a committee would really import)."""
    best, most = None, -1
    for c in Organization.objects.filter(kind__in=[OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE]):
        n = Organization.objects.branches().active().filter(path__startswith=c.path).count()
        if n > most:
            best, most = c, n
    return best


def _id(rng, taken):
    while True:
        birth = datetime.date(1955 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28))
        first17 = f"9{rng.randrange(10**5):05d}{birth:%Y%m%d}{rng.randrange(1000):03d}"  # region 9xxxxx: not the demo's
        ident = first17 + idcard.check_digit(first17)
        if ident not in taken:
            taken.add(ident)
            return ident, birth


def build_file(committee):
    rng = random.Random(7)
    branches = list(Organization.objects.branches().active().filter(path__startswith=committee.path)
                    .exclude(kind=OrgKind.TEMP_BRANCH))
    existing = list(Member.objects.on_roll().filter(organization__in=branches).select_related("organization")
                    .order_by("pk")[:UPDATES])
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append(["全国党员管理信息系统 党员名册"])
    ws.append(HEADERS)
    taken = set()
    for i in range(ROWS):
        if i < len(existing):
            m = existing[i]
            ident, birth, name, branch = m.id_number, m.birth_date, m.name, m.organization.name
            joined, gender = m.joined_on, m.gender
            full = m.full_member_on
            category = m.get_category_display()
        else:
            ident, birth = _id(rng, taken)
            name, branch = f"导入{i:05d}", branches[i % len(branches)].name
            joined = datetime.date(birth.year + 25, 1 + i % 12, 1)
            gender, full, category = idcard.gender(ident), joined.replace(year=joined.year + 1), "正式党员"
        ws.append([i + 1, name, gender, ident, "汉族", birth.isoformat(), "大学本科", category, "", branch,
                   f"137{i:08d}", joined.isoformat(), full.isoformat() if full else "", "工人", "城关镇", "城关镇",
                   "否", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), len({b.name for b in branches}) == len(branches)


def cases(bench):
    from .management.commands.bench import Case

    committee = _committee()
    from accounts.models import Grant, Role, User

    user, _ = User.objects.get_or_create(username="bench_import", defaults={"display_name": "导入测试"})
    if not user.grants.exists():
        Grant.objects.create(user=user, role=Role.COMMITTEE, organization=committee)
    user = User.objects.get(pk=user.pk)
    content, unique_names = build_file(committee)
    note = f"{committee.name}，{len(content) // 1024} KB；新增 {ROWS - UPDATES:,} 名、更新 {UPDATES:,} 名"

    def preview():
        from .importing import service

        with transaction.atomic():
            batch = service.upload(user, SimpleUploadedFile("名册.xlsx", content), None, background=False)
            transaction.set_rollback(True)
        _cleanup(batch)
        if batch.status != ImportBatch.Status.PREVIEWED:
            raise RuntimeError(batch.error)
        return batch.total, f"{note}；预览 {batch.counts}"

    def commit():
        from .importing import service

        with transaction.atomic():
            batch = service.upload(user, SimpleUploadedFile("名册.xlsx", content), None, background=False)
            batch = service.commit(user, batch, background=False)
            transaction.set_rollback(True)  # the bench database stays as it was
        _cleanup(batch)
        if batch.status != ImportBatch.Status.COMMITTED:
            raise RuntimeError(batch.error or batch.status)
        return batch.total, f"{note}；写入 {batch.written}（含预览，事务回滚）"

    skip = "" if unique_names else "该党委下有同名党支部"
    return [
        Case("导入预览：5,000 行党员名册", preview, 1, "< 10 秒，< 300 MB", 10, max_rss_mb=300, warmup=False,
             skip=skip),
        Case("导入确认：5,000 行党员名册（含预览）", commit, 1, "< 20 秒，< 300 MB", 20, max_rss_mb=300, warmup=False,
             skip=skip),
    ]


def _cleanup(batch):
    import os

    try:
        os.unlink(batch.path)
    except (FileNotFoundError, TypeError):
        pass
