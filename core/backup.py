"""Backup and restore: the database and the generated files in one archive, taken while the site runs.

    path = backup.create(dest_dir)          # var/backups/backup-20261129-021500.tar, mode 0600
    report = backup.restore(path, yes=True) # refuses (BackupError, in Chinese) before touching anything

The archive is a plain tar:
  manifest.json   format, time, versions, the applied migrations, row counts of every table and the
                  SHA-256 of every other member
  db.sqlite3      SQLite: a copy by the online backup API (one read transaction: consistent while
                  the web server and the worker write; WAL readers never block them)
  db.dump         PostgreSQL: pg_dump -Fc by the server's own major version, inside a REPEATABLE READ
                  snapshot that the row counts and migrations are read from too
  media/...       the generated files (MEDIA_ROOT, without its tmp/ of half-written files)

The counts and migrations describe the copy, not the live database, so a restore can check that it
got back exactly what was saved. Archives hold full ID numbers: they are created 0600 in a 0700 folder.
"""

import hashlib
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
MEDIA_PREFIX = "media/"
SKIP_MEDIA = {"tmp"}  # exports being written; never part of a backup
CHUNK = 1 << 20


class BackupError(Exception):
    """A refusal with a message for the operator, in Chinese."""


def default_dir():
    return Path(settings.VAR_DIR) / "backups"


def _private_dir(path):
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _tables():
    """{app_label.model_name: db_table} of every concrete table, many-to-many tables included."""
    return {
        model._meta.label_lower: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _read_state(cursor):
    """Row counts of every table and the applied migrations, as the cursor's snapshot sees them."""
    counts = {}
    for label, table in sorted(_tables().items()):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[label] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    return counts, migrations


# --- the database copy -------------------------------------------------------------------------------

def _sqlite_copy(target):
    """Copy the live SQLite database to `target` in one step (one consistent read), return its state."""
    connection.ensure_connection()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)  # pages=-1: all pages in one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        with closing(copy.cursor()) as cursor:
            counts, migrations = _read_state(cursor)
        version = sqlite3.sqlite_version
    return counts, migrations, {"vendor": "sqlite", "version": version}


def _pg_env():
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _server_major():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _client_major(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def pg_tool(name):
    """The pg_dump / pg_restore of the server's major version (PG_BINDIR, the Debian layout, PATH)."""
    major = _server_major()
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin") / name)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    for binary in candidates:
        if binary.is_file() and os.access(binary, os.X_OK) and _client_major(binary) == major:
            return str(binary)
    raise BackupError(
        f"找不到与数据库服务器版本（PostgreSQL {major}）相同的 {name}。"
        f"请安装 postgresql-client-{major}，或用环境变量 PG_BINDIR 指明其所在目录。"
    )


def _pg_copy(target):
    """pg_dump -Fc inside a REPEATABLE READ snapshot; counts and migrations read in the same snapshot."""
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
            counts, migrations = _read_state(cursor)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            done = subprocess.run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
                 "--file", str(target)],
                env=_pg_env(), capture_output=True, text=True,
            )
    if done.returncode:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")
    return counts, migrations, {"vendor": "postgresql", "version": version}


# --- writing the archive -----------------------------------------------------------------------------

def _media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in SKIP_MEDIA]
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                files.append((rel_dir / name).as_posix())
    return files


def _tarinfo(name, size, mtime):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def create(dest=None, keep=None, prefix="backup"):
    """Write a backup archive into `dest` (default var/backups) and return its path.

    `keep`: afterwards delete all but the newest `keep` archives (backup-*.tar) of that folder.
    """
    dest = _private_dir(dest or default_dir())
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"不支持备份该数据库：{vendor}")
    stamp = timezone.localtime()
    name = f"{prefix}-{stamp:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory(dir=dest, prefix=".work-") as work:
        db_copy = Path(work) / DB_MEMBER[vendor]
        counts, migrations, database = (_sqlite_copy if vendor == "sqlite" else _pg_copy)(db_copy)
        # After the database: every file a finished job of the copy points to exists by now.
        media_root = Path(settings.MEDIA_ROOT)
        database.update(member=DB_MEMBER[vendor], size=db_copy.stat().st_size, sha256=_sha256_file(db_copy))
        media = []
        partial = Path(work) / "archive.tar"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            with open(db_copy, "rb") as fh:
                tar.addfile(_tarinfo(DB_MEMBER[vendor], database["size"], stamp.timestamp()), fh)
            for rel in _media_files(media_root):
                entry = _add_media(tar, media_root / rel, MEDIA_PREFIX + rel)
                if entry:
                    media.append(entry)
            manifest = {
                "format": FORMAT,
                "created_at": stamp.isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "django": django.get_version(),
                "database": database,
                "migrations": migrations,
                "counts": counts,
                "media": media,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            tar.addfile(_tarinfo(MANIFEST, len(data), stamp.timestamp()), io.BytesIO(data))
        final = dest / name
        n = 1
        while final.exists():
            n += 1
            final = dest / f"{prefix}-{stamp:%Y%m%d-%H%M%S}-{n}.tar"
        os.replace(partial, final)
    if keep:
        prune(dest, keep)
    return final


def _add_media(tar, path, arcname):
    """Add one generated file, hashing it as it streams. A file that vanishes meanwhile is skipped."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return None
    with fh:
        stat = os.fstat(fh.fileno())
        digest = hashlib.sha256()

        class Hashing:
            def read(self, size=-1):
                block = fh.read(size)
                digest.update(block)
                return block

        tar.addfile(_tarinfo(arcname, stat.st_size, stat.st_mtime), Hashing())
    return {"path": arcname[len(MEDIA_PREFIX):], "size": stat.st_size, "sha256": digest.hexdigest()}


def archives(dest=None):
    dest = Path(dest or default_dir())
    return sorted(dest.glob("backup-*.tar"), key=lambda p: p.stat().st_mtime) if dest.is_dir() else []


def prune(dest, keep):
    for old in archives(dest)[:-keep]:
        old.unlink(missing_ok=True)


# --- reading and checking an archive -----------------------------------------------------------------

def _damaged(detail):
    return BackupError(f"备份文件已损坏或不完整，未做任何恢复（{detail}）。请换用另一份备份。")


def read_manifest(tar):
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode())
    except KeyError:
        raise _damaged("缺少 manifest.json") from None
    except (ValueError, UnicodeDecodeError, tarfile.TarError, OSError) as exc:
        raise _damaged(f"manifest.json 无法读取：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式不兼容（格式 {manifest.get('format') if isinstance(manifest, dict) else '?'}，"
                          f"本程序只能恢复格式 {FORMAT}），未做任何恢复。")
    return manifest


def check_schema(manifest):
    """Every migration the archive's database has applied must be known to this program."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    saved = {(app, name) for app, names in manifest.get("migrations", {}).items() for name in names}
    unknown = sorted(saved - known)
    if unknown:
        listed = "、".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"备份来自更新版本的程序，数据库结构与当前程序不兼容（当前程序不认识：{listed}），未做任何恢复。"
            "请先把程序升级到做备份时的版本，再恢复。"
        )
    return bool(known - saved)  # the archive is older: migrate after restoring


def _safe_media_path(rel):
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or ".." in path.parts or path.parts[0] in SKIP_MEDIA:
        raise _damaged(f"文件路径不安全：{rel}")
    return path


def _extract_checked(tar, name, size, sha256, target):
    """Extract one regular file to `target`, checking its size and SHA-256."""
    try:
        member = tar.getmember(name)
    except KeyError:
        raise _damaged(f"缺少 {name}") from None
    if not member.isfile() or member.size != size:
        raise _damaged(f"{name} 大小不符")
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, tar.extractfile(member) as src:
            while block := src.read(CHUNK):
                digest.update(block)
                out.write(block)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _damaged(f"{name} 无法读取：{exc}") from None
    if digest.hexdigest() != sha256:
        raise _damaged(f"{name} 校验和不符")


# --- restoring ---------------------------------------------------------------------------------------

PEOPLE = [("members.member", "党员", "名"), ("branches.organization", "党组织", "个"), ("accounts.user", "用户", "个")]
SETUP_TABLES = {"contenttypes.contenttype", "auth.permission"}  # filled by migrate itself


def current_counts():
    """Row counts of the live database's tables that exist (empty when it was never migrated)."""
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for label, table in sorted(_tables().items()):
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
                counts[label] = cursor.fetchone()[0]
    return counts


def describe(counts):
    return "、".join(f"{noun} {counts.get(label, 0):,} {unit}" for label, noun, unit in PEOPLE)


def _check_sqlite_copy(path, manifest):
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise _damaged("数据库副本完整性检查未通过")
            with closing(db.cursor()) as cursor:
                counts, _ = _read_state(cursor)
    except sqlite3.DatabaseError as exc:
        raise _damaged(f"数据库副本无法打开：{exc}") from None
    if counts != manifest["counts"]:
        raise _damaged("数据库副本的行数与清单不符")


def _restore_sqlite(path):
    connection.ensure_connection()
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as src:
        src.backup(connection.connection)  # one write transaction: other connections see old or new
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def _restore_pg(path, work):
    """Drop the live tables and load the dump in ONE transaction (psql -1): all or nothing."""
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    env = _pg_env()
    listed = subprocess.run([pg_restore, "--list", str(path)], env=env, capture_output=True, text=True)
    if listed.returncode:
        raise _damaged(f"pg_restore 无法读取数据库副本：{listed.stderr.strip()}")
    script = Path(work) / "restore.sql"
    done = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--file", str(script), str(path)],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise _damaged(f"pg_restore 失败：{done.stderr.strip()}")
    tables = connection.introspection.table_names()
    drop = Path(work) / "drop.sql"
    drop.write_text(
        "SET client_min_messages = warning;\n"
        + (f"DROP TABLE IF EXISTS {', '.join(_quote(t) for t in tables)} CASCADE;\n" if tables else ""),
        encoding="utf-8",
    )
    connection.close()
    done = subprocess.run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1",
                           "-f", str(drop), "-f", str(script)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"恢复失败，数据库保持原样：{done.stderr.strip()[-2000:]}")


def restore(archive, yes=False, keep_dir=None):
    """Bring back an archive written by `create`. Returns a dict describing what was done.

    Everything is checked before anything is touched: readable tar, manifest, same database kind,
    known schema, every member's size and SHA-256, the copy's own integrity and row counts. A
    database that already holds data is only overwritten with yes=True, and its state (database and
    files) is first saved as before-restore-*.tar in `keep_dir` (default var/backups).
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        work = Path(work)
        try:
            tar = tarfile.open(archive, "r:")
        except (tarfile.TarError, OSError) as exc:
            raise _damaged(f"不是可读的备份文件：{exc}") from None
        with tar:
            manifest = read_manifest(tar)
            database = manifest.get("database") or {}
            if database.get("vendor") != connection.vendor:
                raise BackupError(
                    f"备份来自 {database.get('vendor', '未知')} 数据库，当前数据库是 {connection.vendor}，"
                    "不能直接恢复，未做任何恢复。"
                )
            migrate_after = check_schema(manifest)
            db_copy = work / DB_MEMBER[connection.vendor]
            _extract_checked(tar, database.get("member", ""), database.get("size"), database.get("sha256"), db_copy)
            new_media = work / "media"
            new_media.mkdir(mode=0o700)
            seen = set()
            for entry in manifest.get("media", []):
                rel = _safe_media_path(entry.get("path", ""))
                if rel in seen:
                    raise _damaged(f"文件重复：{rel}")
                seen.add(rel)
                _extract_checked(tar, MEDIA_PREFIX + str(rel), entry.get("size"), entry.get("sha256"),
                                 new_media.joinpath(*rel.parts))
        if connection.vendor == "sqlite":
            _check_sqlite_copy(db_copy, manifest)

        before = current_counts()
        has_data = any(n for label, n in before.items() if label not in SETUP_TABLES)
        has_files = bool(_media_files(media_root))
        if has_data and not yes:
            raise BackupError(
                f"当前数据库已有数据（{describe(before)}）。恢复会用备份（{manifest.get('created_at')}，"
                f"{describe(manifest['counts'])}）覆盖这些数据，现有数据会先另存为一份备份。确认恢复请加 --yes。"
            )
        aside = create(keep_dir, prefix="before-restore") if has_data or has_files else None

        if connection.vendor == "sqlite":
            _restore_sqlite(db_copy)
        else:
            _restore_pg(db_copy, work)
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        for dirpath, _dirs, _files in os.walk(new_media):
            os.chmod(dirpath, 0o700)
        if media_root.exists():
            os.replace(media_root, work / "old-media")  # saved in `aside`; removed with `work`
        os.replace(new_media, media_root)
    if migrate_after:
        call_command("migrate", verbosity=0, interactive=False)
    after = current_counts()
    mismatched = [label for label, n in manifest["counts"].items() if not migrate_after and after.get(label) != n]
    if mismatched:
        raise BackupError(f"恢复后核对行数不符：{'、'.join(mismatched)}。请用 {aside} 恢复原状并检查。")
    return {"manifest": manifest, "aside": aside, "migrated": migrate_after, "files": len(seen)}


def read_manifest_file(path):
    with tarfile.open(path, "r:") as tar:
        return read_manifest(tar)
