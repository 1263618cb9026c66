"""backup: one archive with a consistent copy of the database and the generated files (core/backup.py).

    python manage.py backup [--dest DIR] [--keep N]

Safe while the site runs. The archive (backup-YYYYmmdd-HHMMSS.tar, mode 0600) holds full ID numbers:
keep it, and its copies off the machine, as confidential as the database itself.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "备份：把数据库和生成的文件（导出的名册）一起写入一个带时间戳的归档文件，可在网站运行时进行。"

    def add_arguments(self, parser):
        parser.add_argument("--dest", default="", help="存放备份的目录（默认 var/backups）")
        parser.add_argument("--keep", type=int, default=0,
                            help="只保留该目录中最新的 N 份备份（backup-*.tar），更早的删除；默认全部保留")

    def handle(self, *args, dest, keep, **options):
        if keep < 0:
            raise CommandError("--keep 不能为负数。")
        try:
            path = backup.create(dest or None, keep=keep or None)
        except backup.BackupError as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            sys.exit(1)
        manifest = backup.read_manifest_file(path)
        self.stdout.write(
            f"备份完成：{path}（{path.stat().st_size / 2**20:,.1f} MB）\n"
            f"  {backup.describe(manifest['counts'])}、操作记录 {manifest['counts'].get('core.auditentry', 0):,} 条、"
            f"文件 {len(manifest['media']):,} 个"
        )
