"""restore: bring back an archive written by `manage.py backup` (core/backup.py).

    python manage.py restore ARCHIVE [--yes] [--keep-dir DIR]

Stop the web server and the worker first. Everything is checked before anything is changed; a
database with data is only overwritten with --yes, after its state is saved as before-restore-*.tar.
"""

import sys

from django.core.management.base import BaseCommand

from core import backup


class Command(BaseCommand):
    help = "恢复：用 manage.py backup 生成的备份文件恢复数据库和生成的文件。请先停止网站和后台任务。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（backup-*.tar）")
        parser.add_argument("--yes", action="store_true", help="确认覆盖已有数据的数据库")
        parser.add_argument("--keep-dir", default="",
                            help="恢复前把现有数据另存到该目录（默认 var/backups）")

    def handle(self, *args, archive, yes, keep_dir, **options):
        try:
            done = backup.restore(archive, yes=yes, keep_dir=keep_dir or None)
        except backup.BackupError as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            sys.exit(1)
        manifest = done["manifest"]
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份：{backup.describe(manifest['counts'])}、"
                          f"文件 {done['files']:,} 个。")
        if done["aside"]:
            self.stdout.write(f"恢复前的数据已另存为：{done['aside']}")
        if done["migrated"]:
            self.stdout.write("备份来自较早的版本，已执行数据库迁移。")
