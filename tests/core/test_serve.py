"""scripts/serve.sh, as `make run` starts it: the web server outlives the task worker, the worker is
restarted, SIGTERM stops both, and the access log keeps no query strings (a search may be an ID)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve.sh"


def test_access_log_keeps_the_path_without_the_query_string():
    text = SERVE.read_text()
    fmt = re.search(r"ACCESS_LOG_FORMAT='([^']*)'", text).group(1)
    assert "%(U)s" in fmt  # the path alone
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%({"):  # request line, query, referer (the roster's URL), headers
        assert leaky not in fmt
    assert '--access-logformat "$ACCESS_LOG_FORMAT"' in text


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid):
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines()]
    return [(int(p), args) for p, pp, args in (r for r in rows if len(r) == 3) if int(pp) == pid]


def _descendants(pid):
    found = []
    for child, args in _children(pid):
        found.append((child, args))
        found.extend(_descendants(child))
    return found


def _worker_pid(serve_pid):
    pids = [p for p, args in _descendants(serve_pid) if "export_worker" in args and "bash" not in args]
    return pids[0] if len(pids) == 1 else None


def _wait_for(what, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except OSError:
        return None


def test_the_site_stays_up_when_the_worker_is_killed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(VAR_DIR=str(tmp_path / "var"), SERVE_STOP_GRACE="2")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115
    serve = subprocess.Popen(["bash", str(SERVE), sys.executable, f"127.0.0.1:{port}", "1"], cwd=ROOT, env=env,
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        login = f"http://127.0.0.1:{port}/accounts/login/"
        assert _wait_for(lambda: _get(login + "?q=110101199003070011")) == 200
        first = _wait_for(lambda: _worker_pid(serve.pid))

        os.kill(first, signal.SIGKILL)
        second = _wait_for(lambda: (p := _worker_pid(serve.pid)) and p != first and p, timeout=30)
        assert serve.poll() is None and _get(login) == 200
        os.kill(second, signal.SIGKILL)  # again: restarted again, after a longer pause
        _wait_for(lambda: _worker_pid(serve.pid) not in (None, first, second), timeout=30)
        assert _get(login) == 200

        family = [p for p, _ in _descendants(serve.pid)]
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 143
        time.sleep(0.5)
        alive = [p for p in family if Path(f"/proc/{p}").exists()
                 and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]
        assert alive == []
    finally:
        if serve.poll() is None:
            serve.kill()
    log.seek(0)
    text = log.read()
    assert text.count("the task worker stopped (status 137)") == 2
    assert '"GET /accounts/login/ HTTP/1.1" 200' in text
    assert "110101199003070011" not in text and "q=" not in text


def test_gunicorn_collects_garbage_between_requests_not_inside_them():
    """config/gunicorn.py (serve.sh loads it): during a request the youngest generation may grow to
    REQUEST_GC_THRESHOLD objects; after it the usual threshold returns; the loaded application is
    frozen out of every collection."""
    import gc

    from config import gunicorn as conf

    assert "--config python:config.gunicorn" in SERVE.read_text()
    before = gc.get_threshold()
    try:
        conf.pre_request(None, None)
        assert gc.get_threshold() == (conf.REQUEST_GC_THRESHOLD, *before[1:])
        conf.post_request(None, None, {}, None)
        assert gc.get_threshold() == (conf.BETWEEN_GC_THRESHOLD, *before[1:]) == before
        frozen = gc.get_freeze_count()
        conf.post_worker_init(None)
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
