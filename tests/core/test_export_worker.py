"""The background worker under a busy county: writes during a long export, a dead worker, temporary
files, file modes, the queue limit, and exports started by POST only.

The lock tests need two real connections to one SQLite file in WAL mode, as the web server and the
worker have: they run in a subprocess with its own database file (the suite's test database is in
memory)."""

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core import exports
from core.models import ExportJob

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

SETUP = """
import json, os, sqlite3, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import Role
from branches.choices import OrgKind
from conftest import bulk_members, make_org, make_user
root = make_org("X县委", OrgKind.COUNTY, None)
town = make_org("城关镇党委", OrgKind.COMMITTEE, root)
east = make_org("东街村党支部", OrgKind.BRANCH, town)
members = bulk_members(east, int(os.environ["MEMBERS"]))
user = make_user("committee", Role.COMMITTEE, town)
db_path = settings.DATABASES["default"]["NAME"]
"""

# The web server (another connection) saves a member while the worker is part-way through its rows;
# the worker then writes its progress (every 500 rows).
LOCK_SCENARIO = SETUP + """
from core import documents, exports
from core.models import ExportJob

web = sqlite3.connect(db_path, timeout=20, isolation_level=None)
content_type, render = exports.FORMATS["xlsx"]

def render_during_an_edit(doc, rows, fh, progress=None):
    def rows_and_an_edit():
        for i, row in enumerate(rows):
            if i == 10:
                web.execute("UPDATE members_member SET notes = '已修改' WHERE id = ?", (members[-1].pk,))
            yield row
    return render(doc, rows_and_an_edit(), fh, progress)

exports.FORMATS["xlsx"] = (content_type, render_during_an_edit)
job = ExportJob.objects.create(user=user, exporter="roster", fmt="xlsx", params={}, total=len(members),
                               title="x.xlsx")
try:
    exports.run_export.call(str(job.pk))
    outcome = "returned"
except Exception as exc:
    outcome = f"raised {exc}"
job.refresh_from_db()
print(json.dumps({"outcome": outcome, "status": job.status, "done": job.done, "error": job.error}))
"""


def scenario_env(tmp_path, members=0):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TASKS_BACKEND")}
    environ.update(VAR_DIR=str(tmp_path / "var"), MEMBERS=str(members), PYTHONPATH=str(ROOT))
    return environ


def run_scenario(tmp_path, script, members=2600):
    # The usual login umask (022): the app must not rely on its caller's.
    done = subprocess.run([PY, "-c", script], cwd=ROOT, env=scenario_env(tmp_path, members), capture_output=True,
                          text=True, timeout=300, preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_member_saved_during_a_long_export_does_not_break_it(tmp_path):
    """Before: the progress update failed at once with "database is locked" (the worker's read
    snapshot had gone stale), so did the failure handler, and the worker died with the job 生成中."""
    result = run_scenario(tmp_path, LOCK_SCENARIO)
    assert result == {"outcome": "returned", "status": "done", "done": 2600, "error": ""}


def test_the_database_file_and_var_are_private(tmp_path):
    script = SETUP + """
from django.db import connection
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
connection.ensure_connection()  # open: the -wal and -shm files exist
name = default_storage.save("exports/2026/11/x.xlsx", ContentFile(b"x"))
modes = {p: oct(os.stat(p).st_mode & 0o777) for p in
         [settings.VAR_DIR, db_path, db_path + "-wal", db_path + "-shm", default_storage.path(name),
          os.path.dirname(default_storage.path(name))]}
print(json.dumps(list(modes.values())))
"""
    modes = run_scenario(tmp_path, script, members=1)
    assert modes == ["0o700", "0o600", "0o600", "0o600", "0o600", "0o700"]


QUEUE_A_PDF = SETUP + """
from core import exports
from core.models import ExportJob
job = ExportJob.objects.create(user=user, exporter="roster", fmt="pdf", params={}, total=len(members), title="x.pdf")
exports.run_export.enqueue(str(job.pk))
print(json.dumps({"job": str(job.pk), "db": db_path, "media": str(settings.MEDIA_ROOT)}))
"""

def test_a_worker_killed_mid_job_is_noticed(tmp_path):
    """Real processes: the worker is SIGKILLed while it lays out a PDF; the next worker marks the job
    failed and removes its temporary files at start-up."""
    info = run_scenario(tmp_path, QUEUE_A_PDF, members=600)
    env = scenario_env(tmp_path)
    db = sqlite3.connect(info["db"], timeout=20)
    work = Path(info["media"]) / "tmp" / info["job"]

    def state():
        return db.execute("SELECT status, done, error FROM core_exportjob WHERE id = ?",
                          (uuid.UUID(info["job"]).hex,)).fetchone()

    def worker(*args):
        return subprocess.Popen([PY, "manage.py", "export_worker", "--no-startup-delay", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    first = worker()
    try:
        deadline = time.monotonic() + 120
        while not (state()[0] == "running" and state()[1] >= 500):  # the first 500 rows read, laying out
            assert time.monotonic() < deadline and first.poll() is None, state()
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
    assert state()[0] == "running" and work.exists()  # as the killed worker left it

    restarted = worker("--only-worker", "--batch")
    assert restarted.wait(timeout=120) == 0, restarted.stderr.read()
    assert state() == ("failed", 500, "生成程序意外中断，请重试。")
    assert not work.exists()

    # Retrying it (test_a_job_whose_worker_died_is_marked_failed_and_can_be_retried) makes the file.


@pytest.fixture
def committee_client(client, county):
    client.force_login(county.committee)
    return client


@pytest.fixture
def background(settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}


def test_a_job_whose_worker_died_is_marked_failed_and_can_be_retried(committee_client, county, settings, background):
    settings.EXPORT_HEARTBEAT_STALE_SECONDS = 120
    job = ExportJob.objects.create(user=county.committee, exporter="roster", fmt="xlsx", title="党员名册.xlsx",
                                   params={"sort": ["name"]}, status=ExportJob.Status.RUNNING, total=3, done=1)
    fresh = ExportJob.objects.create(user=county.committee, exporter="roster", fmt="xlsx", title="b.xlsx",
                                     status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now())
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=121))
    leftover = settings.MEDIA_ROOT / "tmp" / str(job.pk)
    leftover.mkdir(parents=True)
    (leftover / "out.xlsx").write_bytes(b"half a file")

    assert committee_client.get(reverse("job_status", args=[job.pk])).json()["status"] == "failed"
    page = committee_client.get(reverse("downloads")).content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "生成程序意外中断，请重试。"
    assert "生成程序意外中断，请重试" in page and reverse("retry_job", args=[job.pk]) in page
    assert not leftover.exists()
    fresh.refresh_from_db()
    assert fresh.status == "running"  # still beating: left alone

    assert committee_client.get(reverse("retry_job", args=[job.pk])).status_code == 405
    response = committee_client.post(reverse("retry_job", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("downloads")
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 3 and job.error == ""
    assert job.file and "已重新提交" in committee_client.get(reverse("downloads")).content.decode()
    # Another user cannot retry it.
    committee_client.force_login(county.other_committee)
    assert committee_client.post(reverse("retry_job", args=[job.pk])).status_code == 404


def test_worker_start_up_recovers_every_running_job(county, settings):
    settings.EXPORT_HEARTBEAT_STALE_SECONDS = 3600
    job = ExportJob.objects.create(user=county.committee, exporter="roster", fmt="pdf", title="x.pdf",
                                   status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now())
    assert exports.recover_stale() == 0  # beating: another worker may be on it
    assert exports.recover_stale(all_running=True) == 1  # the only worker, just started: an orphan
    job.refresh_from_db()
    assert job.status == "failed" and job.error == exports.INTERRUPTED


def test_temporary_files_are_private_and_removed_when_the_job_fails(committee_client, county, settings,
                                                                    background, monkeypatch):
    seen = {}

    def broken(doc, rows, fh, progress=None):
        fh.write(b"ID numbers")
        fh.flush()
        seen["file"] = stat.S_IMODE(os.fstat(fh.fileno()).st_mode)
        seen["dir"] = stat.S_IMODE(os.stat(tempfile.gettempdir()).st_mode)
        seen["root"] = stat.S_IMODE(os.stat(settings.MEDIA_ROOT / "tmp").st_mode)
        seen["chunks"] = tempfile.gettempdir()  # where the PDF renderer puts its chunk files
        raise OSError("磁盘已满")

    monkeypatch.setitem(exports.FORMATS, "xlsx", (exports.FORMATS["xlsx"][0], broken))
    saved_tempdir = tempfile.tempdir
    committee_client.post(reverse("members:export_xlsx"))
    job = ExportJob.objects.get(user=county.committee)
    assert job.status == "failed" and "磁盘已满" in job.error
    assert seen == {"file": 0o600, "dir": 0o700, "root": 0o700,
                    "chunks": str(settings.MEDIA_ROOT / "tmp" / str(job.pk))}
    assert list((settings.MEDIA_ROOT / "tmp").iterdir()) == []
    assert tempfile.tempdir == saved_tempdir


def test_generated_files_are_private(committee_client, county, settings, background):
    committee_client.post(reverse("members:export_pdf"))
    job = ExportJob.objects.get(user=county.committee)
    assert job.status == "done"
    path = Path(job.file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert list((settings.MEDIA_ROOT / "tmp").iterdir()) == []


def test_a_user_has_at_most_a_few_exports_waiting(committee_client, county, settings, background):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nothing runs
    settings.EXPORT_MAX_PENDING_PER_USER = 2
    for fmt in ("xlsx", "pdf"):
        assert committee_client.post(reverse(f"members:export_{fmt}")).url == reverse("downloads")
    response = committee_client.post(reverse("members:export_xlsx"), follow=True)
    assert "您已有 2 个文件正在排队或生成（每人最多 2 个），请等它们完成后再导出。" in response.content.decode()
    assert ExportJob.objects.filter(user=county.committee).count() == 2
    # Others are not held back by this user's queue.
    committee_client.force_login(county.other_committee)
    committee_client.post(reverse("members:export_xlsx"))
    assert ExportJob.objects.filter(user=county.other_committee).count() == 1


def test_exports_start_with_a_post_only(client, county):
    client.force_login(county.secretary)
    for fmt in ("xlsx", "pdf"):
        assert client.get(reverse(f"members:export_{fmt}")).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(county.secretary)
    assert strict.post(reverse("members:export_xlsx")).status_code == 403


def test_roster_buttons_post_the_current_filters_and_columns(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:roster"), {"q": "张", "columns": ["name", "phone"], "page": "1"})
    html = page.content.decode()
    form = html[html.index(f'action="{reverse("members:export_xlsx")}"'):]
    form = form[:form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="q" value="张">' in form
    assert '<input type="hidden" name="columns" value="name">' in form
    assert '<input type="hidden" name="columns" value="phone">' in form
    assert 'name="page"' not in form
    response = client.post(reverse("members:export_xlsx"), {"q": "张", "columns": ["name", "phone"]})
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["序号", "姓名", "手机号码"] in rows and [2, "张东二", "13800000000"] in rows


@pytest.mark.django_db
def test_a_busy_database_is_waited_for(monkeypatch):
    from django.db import OperationalError

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "written"

    monkeypatch.setattr(exports.time, "sleep", lambda s: None)
    assert exports._write(flaky, patience=5) == "written" and len(calls) == 3
