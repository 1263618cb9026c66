"""Backup and restore (core/backup.py): the round trip loses nothing, damaged or foreign archives are
refused before anything changes, and a backup taken while another connection writes is consistent."""

import io
import json
import os
import stat
import tarfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command

from core import backup
from core.models import AuditEntry, ExportJob
from members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and the SQLite copy see committed rows only


def every_row():
    """Every row of every table (many-to-many tables included), as plain values."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def media_bytes(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def saved_state(county, settings):
    """The county, plus a finished export with its file and a binary file in a nested folder."""
    job = ExportJob(user=county.admin, exporter="roster", fmt="xlsx", title="党员名册.xlsx",
                    status=ExportJob.Status.DONE, total=5, done=5)
    job.file.save("党员名册.xlsx", ContentFile("张东一 320981198005010011".encode() + bytes(range(256))), save=False)
    job.save()
    extra = settings.MEDIA_ROOT / "exports" / "2026" / "bin.dat"
    extra.write_bytes(os.urandom(100_000))
    (settings.MEDIA_ROOT / "tmp").mkdir()
    (settings.MEDIA_ROOT / "tmp" / "half-written.pdf").write_bytes(b"%PDF-")
    return job


def test_round_trip_loses_nothing(county, saved_state, settings, tmp_path):
    rows, files = every_row(), media_bytes(settings.MEDIA_ROOT)
    assert rows["core.auditentry"] and rows["members.member"] and rows["accounts.user"]
    path = backup.create(tmp_path / "backups")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    manifest = backup.read_manifest_file(path)
    assert manifest["counts"]["members.member"] == 4 and manifest["counts"]["core.auditentry"] == len(rows["core.auditentry"])
    assert {m["path"] for m in manifest["media"]} == {k for k in files if not k.startswith("tmp/")}

    # Changes after the backup: all of them must be undone.
    Member.objects.filter(pk=county.east1.pk).update(name="改过的名字")
    AuditEntry.objects.filter(pk=AuditEntry.objects.order_by("pk").first().pk).delete()
    Member.objects.filter(pk=county.hill1.pk).delete()
    saved_state.file.open("wb").write(b"overwritten")
    (settings.MEDIA_ROOT / "exports" / "2026" / "bin.dat").unlink()
    (settings.MEDIA_ROOT / "exports" / "new.xlsx").write_bytes(b"after the backup")

    done = backup.restore(path, yes=True, keep_dir=tmp_path / "aside")

    assert every_row() == rows
    restored = media_bytes(settings.MEDIA_ROOT)
    assert restored == {k: v for k, v in files.items() if not k.startswith("tmp/")}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    # The state it replaced was kept aside, and is itself a restorable archive.
    aside = backup.read_manifest_file(done["aside"])
    assert done["aside"].name.startswith("before-restore-")
    assert aside["counts"]["members.member"] == 3
    assert {m["path"] for m in aside["media"]} >= {"exports/new.xlsx"}
    # The app works on the restored database.
    assert Member.objects.get(pk=county.east1.pk).name == "张东一"


def test_restore_asks_before_overwriting_data(county, tmp_path, capsys):
    path = backup.create(tmp_path)
    Member.objects.filter(pk=county.east1.pk).update(name="改过的名字")
    with pytest.raises(SystemExit) as exit_:
        call_command("restore", str(path))
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "当前数据库已有数据（党员 4 名" in err and "--yes" in err
    assert Member.objects.get(pk=county.east1.pk).name == "改过的名字"
    assert not list(tmp_path.glob("before-restore-*"))


def test_restore_into_an_empty_database_needs_no_confirmation(county, tmp_path):
    rows = every_row()
    path = backup.create(tmp_path)
    call_command("flush", interactive=False)
    assert not Member.objects.exists()
    done = backup.restore(path, keep_dir=tmp_path)
    assert done["aside"] is None and every_row() == rows


def _rewrite(path, target, change_manifest=None, change_member=None):
    """Copy the archive `path` to `target`, editing the manifest or one member's bytes on the way."""
    with tarfile.open(path) as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == backup.MANIFEST and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            elif change_member and member.name == change_member[0]:
                data = change_member[1](data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def _refused(path, tmp_path, *phrases):
    before = every_row()
    with pytest.raises(backup.BackupError) as err:
        backup.restore(path, yes=True, keep_dir=tmp_path / "aside")
    assert all(p in str(err.value) for p in phrases), str(err.value)
    assert every_row() == before  # nothing touched
    assert not (tmp_path / "aside").exists()


def test_damaged_archives_are_refused_before_anything_changes(county, saved_state, tmp_path, settings):
    path = backup.create(tmp_path / "b")
    Member.objects.filter(pk=county.east1.pk).update(name="改过的名字")
    files = media_bytes(settings.MEDIA_ROOT)

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _refused(truncated, tmp_path, "已损坏")

    def flip(data):
        return data[:5000] + bytes([data[5000] ^ 1]) + data[5001:]

    _refused(_rewrite(path, tmp_path / "flipped.tar", change_member=("db.sqlite3" if "db.sqlite3" in
             tarfile.open(path).getnames() else "db.dump", flip)), tmp_path, "已损坏", "校验和不符")
    media = "media/" + saved_state.file.name
    _refused(_rewrite(path, tmp_path / "media.tar", change_member=(media, lambda d: d[:-1] + b"!")),
             tmp_path, "已损坏")
    (tmp_path / "not-a-backup.tar").write_bytes(b"hello")
    _refused(tmp_path / "not-a-backup.tar", tmp_path, "已损坏")
    assert media_bytes(settings.MEDIA_ROOT) == files


def test_a_path_outside_the_media_folder_is_refused(county, saved_state, tmp_path, settings):
    path = backup.create(tmp_path / "b")

    def escape(manifest):
        manifest["media"][0]["path"] = "../../evil.txt"

    _refused(_rewrite(path, tmp_path / "evil.tar", change_manifest=escape), tmp_path, "路径不安全")
    assert not (settings.MEDIA_ROOT.parent.parent / "evil.txt").exists()


def test_an_archive_from_a_newer_schema_is_refused(county, tmp_path, capsys):
    path = backup.create(tmp_path / "b")

    def newer(manifest):
        manifest["migrations"]["members"].append("0999_from_the_future")

    future = _rewrite(path, tmp_path / "future.tar", change_manifest=newer)
    _refused(future, tmp_path, "不兼容", "members.0999_from_the_future")
    with pytest.raises(SystemExit):
        call_command("restore", str(future), "--yes")
    assert "数据库结构与当前程序不兼容" in capsys.readouterr().err

    def other_format(manifest):
        manifest["format"] = 99

    _refused(_rewrite(path, tmp_path / "format.tar", change_manifest=other_format), tmp_path, "格式不兼容")


def test_keep_prunes_the_oldest_archives(county, tmp_path):
    paths = []
    for i in range(3):
        paths.append(backup.create(tmp_path, keep=2))
        os.utime(paths[-1], (1_000_000 + i, 1_000_000 + i))
    assert sorted(p.name for p in tmp_path.glob("backup-*.tar")) == sorted(p.name for p in paths[1:])


# --- a backup while another connection writes ----------------------------------------------------------

WRITER = """
import itertools, os, pathlib
from branches import services
from branches.choices import OrgCategory, OrgKind, Sector
kw = dict(category=OrgCategory.RURAL, sector=Sector.RURAL)
root = services.create_organization(None, name="X县委", kind=OrgKind.COUNTY, parent=None, **kw)
town = services.create_organization(None, name="城关镇党委", kind=OrgKind.COMMITTEE, parent=root, **kw)
work = pathlib.Path(os.environ["VAR_DIR"])
started, stop = work / "started", work / "stop"
for i in itertools.count():
    if i == 20:
        started.touch()
    if stop.exists():
        break
    services.create_organization(None, name=f"第{i}党支部", kind=OrgKind.BRANCH, parent=town, **kw)
"""

BACKUPS = """
import os, time
from core import backup
for _ in range(3):
    backup.create(os.path.join(os.environ["VAR_DIR"], "backups"))
    time.sleep(0.2)
"""


def _scratch_databases(tmp_path):
    """A file SQLite database (WAL, like the site), and a PostgreSQL one when the suite runs there."""
    urls = [f"sqlite:///{tmp_path / 'scratch.sqlite3'}"]
    main = os.environ.get("DATABASE_URL", "")
    if main.startswith("postgres"):
        import psycopg

        name = f"backup_scratch_{os.getpid()}"
        with psycopg.connect(main, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        urls.append(main.rsplit("/", 1)[0] + "/" + name)
    return urls


def test_a_backup_taken_while_another_connection_writes_is_consistent(tmp_path, settings):
    import sqlite3
    import subprocess
    import sys
    import time

    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    for n, url in enumerate(_scratch_databases(tmp_path)):
        work = tmp_path / f"run{n}"
        work.mkdir()
        env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(work)}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        subprocess.run(manage + ["migrate", "-v", "0"], env=env, check=True)
        started, stop = work / "started", work / "stop"
        writer = subprocess.Popen(manage + ["shell", "-c", WRITER], env=env)
        try:
            deadline = time.monotonic() + 60
            while not started.exists():
                assert writer.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            subprocess.run(manage + ["shell", "-c", BACKUPS], env=env, check=True)
            assert writer.poll() is None, "the writer kept writing during every backup"
        finally:
            stop.touch()
            assert writer.wait(30) == 0
        archives = sorted((work / "backups").glob("backup-*.tar"))
        assert len(archives) == 3
        seen = set()
        for path in archives:
            manifest = backup.read_manifest_file(path)
            counts = manifest["counts"]
            # Every organization is created together with its audit entry, in one transaction.
            assert counts["branches.organization"] == counts["core.auditentry"] > 22
            seen.add(counts["branches.organization"])
            if url.startswith("sqlite"):
                with tarfile.open(path) as tar:
                    tar.extract("db.sqlite3", work / path.stem, filter="data")
                copy = sqlite3.connect(work / path.stem / "db.sqlite3")
                assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert copy.execute("SELECT COUNT(*) FROM branches_organization").fetchone()[0] == counts[
                    "branches.organization"]
                assert copy.execute("SELECT COUNT(*) FROM core_auditentry").fetchone()[0] == counts["core.auditentry"]
                copy.close()
        assert len(seen) == 3, "each backup saw a different moment of the writing"
