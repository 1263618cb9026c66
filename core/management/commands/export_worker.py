"""The background worker as `make run` starts it: django-tasks' db_worker, after cleaning up.

At start-up it marks failed the export jobs a previous worker left running (with --only-worker:
every running job, since this is the only worker and it has just started; otherwise those whose
heartbeat is stale) and removes their temporary files. Files it creates are private (umask 077).
"""

import os

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core import exports


class Command(DbWorkerCommand):
    help = "运行后台任务程序（db_worker），启动时先把中断的导出任务标为失败并清理临时文件。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--only-worker", action="store_true",
                            help="This is the only worker: every job still marked running was interrupted.")

    def handle(self, *args, only_worker=False, **options):
        os.umask(0o077)
        recovered = exports._write(lambda: exports.recover_stale(all_running=only_worker))
        exports.clean_orphan_files()
        if recovered:
            self.stderr.write(f"export_worker: {recovered} 个中断的导出任务已标为失败")
        super().handle(*args, **options)
