"""The load case of `manage.py bench --load`: the app served as `make run` serves it, under concurrent users.

scripts/serve.sh (gunicorn + the background worker) is started on a free loopback port with the bench
database. Concurrent clients, each with its own session and CSRF token, then drive it for a fixed time
per scenario: the login page (the floor: no session, no query), a branch secretary's roster, the
county roster, and a member save (the edit form fetched, then POSTed back with a changed note). A large
Excel export runs in the background worker during the whole run (a new one is queued when one ends).
At the end the gunicorn workers and the task worker must be the same processes that served the start.

Nothing leaves 127.0.0.1; the clients are threads, bounded in number and in time.
"""

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.models import User
from core.models import ExportJob

from .models import Member
from .roster import COLUMNS

MAX_CLIENTS = 64
HOST = "127.0.0.1"


class LoadError(Exception):
    pass


# --- one logged-in browser, without a browser ----------------------------------------------------------

class FormFields(HTMLParser):
    """The fields of each POST form of a page, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
        if self._form is None or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select":
            self._select = [a["name"], None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            self._form.append([name, chosen if chosen is not None else (first or "")])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.append([self._textarea[0], self._textarea[1].lstrip("\n")])
            self._textarea = None


def post_form(html):
    """The page's main POST form (the one with the most fields; the header's logout form is smaller)."""
    parser = FormFields()
    parser.feed(html)
    if not parser.forms:
        raise LoadError("页面上没有 POST 表单")
    return dict(max(parser.forms, key=len))


class Browser:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        """(status, location, body, seconds). One connection per request, as gunicorn's sync workers close it."""
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or not value or value == '""':
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, response.headers.get("Location", ""), data.decode("utf-8", "replace"), seconds

    def get_form(self, path):
        status, _, html, _ = self.request("GET", path)
        if status != 200:
            raise LoadError(f"GET {path} 返回 HTTP {status}")
        return post_form(html)

    def login(self, username, password):
        path = reverse("login")
        form = self.get_form(path)
        form.update(username=username, password=password)
        status, location, _, _ = self.request("POST", path, form)
        if status != 302 or "sessionid" not in self.cookies:
            raise LoadError(f"{username} 登录失败（HTTP {status}）")
        return self


# --- the server -----------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def children(pid):
    """Direct child processes of `pid`: {pid: command line}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
    return found


def _is_task_worker(cmd):
    return "db_worker" in cmd or "export_worker" in cmd  # serve.sh runs manage.py export_worker


class Server:
    """scripts/serve.sh on a free loopback port, its own process group, its output in var/bench-serve.log."""

    def __init__(self, python, workers):
        self.port = free_port()
        self.log_path = Path(settings.VAR_DIR) / "bench-serve.log"
        self.log = open(self.log_path, "wb")
        script = Path(settings.BASE_DIR) / "scripts" / "serve.sh"
        self.proc = subprocess.Popen(
            ["bash", str(script), python, f"{HOST}:{self.port}", str(workers)],
            cwd=settings.BASE_DIR, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise LoadError(f"serve.sh 退出（{self.proc.returncode}），见 {self.log_path}")
            try:
                if Browser(self.port).request("GET", reverse("login"))[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise LoadError(f"{timeout} 秒内网站未就绪，见 {self.log_path}")

    def processes(self):
        """{'web': {gunicorn worker pids}, 'task': {db_worker pids}}, found under serve.sh."""
        web, task = set(), set()
        for pid, cmd in children(self.proc.pid).items():
            if "gunicorn" in cmd:
                web |= set(children(pid))
            elif _is_task_worker(cmd):
                task.add(pid)
            else:  # a supervisor loop between serve.sh and the worker
                task |= {p for p, c in children(pid).items() if _is_task_worker(c)}
        return {"web": web, "task": task}

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# --- the run --------------------------------------------------------------------------------------------

@dataclass
class Scenario:
    name: str
    step: object  # step(client_index) -> bool (True when the answer was the expected one); times itself
    target: str = ""
    times: list = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    error_samples: list = field(default_factory=list)

    @property
    def rps(self):
        return len(self.times) / self.seconds if self.seconds else 0.0

    def quantile(self, q):
        if not self.times:
            return 0.0
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def drive(scenario, clients, seconds):
    """`clients` threads call scenario.step in a loop for `seconds`; each step records its own time."""
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def loop(i):
        start.wait()
        while time.monotonic() < deadline[0]:
            try:
                ok, took, detail = scenario.step(i)
            except Exception as exc:  # a refused connection, a timeout: an error, not a crash of the bench
                ok, took, detail = False, None, f"{type(exc).__name__}: {exc}"
            with lock:
                if took is not None:
                    scenario.times.append(took)
                if not ok:
                    scenario.errors += 1
                    if len(scenario.error_samples) < 3:
                        scenario.error_samples.append(detail)

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for t in threads:
        t.join(seconds + 90)
    scenario.seconds = time.monotonic() - began


def _get(browser, path, expect=200):
    status, _, _, took = browser.request("GET", path)
    return status == expect, took, f"GET {path} → HTTP {status}"


class Exporter(threading.Thread):
    """Keeps one county-wide Excel export running in the background worker, queued as the user does."""

    def __init__(self, browser, stop):
        super().__init__(daemon=True)
        self.browser, self.stop, self.done, self.failed, self.queued = browser, stop, 0, [], 0

    def queue(self):
        before = set(ExportJob.objects.values_list("pk", flat=True))
        path = reverse("members:export_xlsx")
        params = {"columns": [c.key for c in COLUMNS], "state": ["all"]}
        form = {**params, "csrfmiddlewaretoken": self.browser.cookies.get("csrftoken", "")}
        status, _, _, _ = self.browser.request("POST", path, form)
        if status == 405:  # the export is still started by a GET
            status, _, _, _ = self.browser.request("GET", path + "?" + urlencode(params, doseq=True))
        new = ExportJob.objects.exclude(pk__in=before).order_by("-created_at").first()
        if status not in (200, 302) or new is None:
            raise LoadError(f"后台导出未能排队（HTTP {status}）")
        self.queued += 1
        return new.pk

    def run(self):
        try:
            job = self.queue()
            while not self.stop.is_set():
                state = ExportJob.objects.filter(pk=job).values_list("status", "error").first()
                if state and state[0] in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                    if state[0] == ExportJob.Status.DONE:
                        self.done += 1
                    else:
                        self.failed.append(state[1])
                    job = self.queue()
                self.stop.wait(0.5)
        except Exception as exc:
            self.failed.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()


def run(python, accounts, clients=20, seconds=10, workers=3, log=print):
    """Serve, log in, drive each scenario; return (scenarios, facts). `accounts`: {role: (username, password)}."""
    if not 1 <= clients <= MAX_CLIENTS:
        raise LoadError(f"客户端数应在 1 到 {MAX_CLIENTS} 之间")
    secretary_user = accounts["secretary"][0]
    secretary = User.objects.get(username=secretary_user)
    editable = list(Member.objects.visible_to(secretary).on_roll().order_by("pk").values_list("pk", flat=True)[:clients])
    if len(editable) < clients:
        raise LoadError(f"{secretary_user} 的支部只有 {len(editable)} 名在册党员，少于客户端数 {clients}")

    server = Server(python, workers)
    stop = threading.Event()
    try:
        server.wait_ready()
        log(f"网站已在 http://{HOST}:{server.port}/ 就绪（gunicorn {workers} 个进程），正在登录 {2 * clients + 1} 个会话 ……")
        county = [Browser(server.port).login(*accounts["county"]) for _ in range(clients)]
        branch = [Browser(server.port).login(*accounts["secretary"]) for _ in range(clients)]
        exporter = Exporter(Browser(server.port).login(*accounts["county"]), stop)
        processes = server.processes()
        exporter.start()
        roster = reverse("members:roster")
        notes = [0] * clients

        def save(i):
            path = reverse("members:edit", args=[editable[i]])
            form = branch[i].get_form(path)
            notes[i] += 1
            form["notes"] = f"基准测试第 {notes[i]} 次保存"
            status, location, _, took = branch[i].request("POST", path, form)
            expected = reverse("members:detail", args=[editable[i]])
            return status == 302 and location.endswith(expected), took, f"POST {path} → HTTP {status}"

        scenarios = [
            Scenario("登录页（未登录，下限）", lambda i: _get(Browser(server.port), reverse("login"))),
            Scenario("名册页：党支部书记（本支部）", lambda i: _get(branch[i], roster), "≥ 登录页的 1/3 每秒请求"),
            Scenario("名册页：全县（组织部管理员）", lambda i: _get(county[i], roster), "p95 < 1 秒"),
            Scenario("保存党员（编辑表单 POST）", save),
        ]
        for scenario in scenarios:
            log(f"正在加压：{scenario.name}（{clients} 个客户端，{seconds} 秒）……")
            drive(scenario, clients, seconds)
        stop.set()
        exporter.join(60)
        after = server.processes()
        alive = server.proc.poll() is None
    finally:
        stop.set()
        server.stop()
    deaths = len(processes["web"] - after["web"]) + len(processes["task"] - after["task"])
    if not alive:
        deaths += 1
    facts = {
        "clients": clients, "seconds": seconds, "workers": workers, "deaths": deaths,
        "web": len(processes["web"]), "task": len(processes["task"]),
        "exports_done": exporter.done, "exports_failed": exporter.failed, "exports_queued": exporter.queued,
    }
    return scenarios, facts


def verdicts(scenarios, facts):
    """{scenario name: 达标/未达标} by the targets of issue 6."""
    login, mine, county = scenarios[0], scenarios[1], scenarios[2]
    result = {}
    for s in scenarios:
        ok = s.errors == 0 and s.times
        if s is mine:
            ok = ok and mine.rps >= login.rps / 3
        if s is county:
            ok = ok and county.quantile(0.95) < 1.0
        result[s.name] = "达标" if ok else "未达标"
    return result


def rows(scenarios, facts):
    marks = verdicts(scenarios, facts)
    out = []
    for s in scenarios:
        out.append([
            s.name, str(facts["clients"]), f"{len(s.times):,}", f"{s.rps:.1f}", f"{s.quantile(0.5):.3f}",
            f"{s.quantile(0.95):.3f}", str(s.errors), "0 错误" + (f"，{s.target}" if s.target else ""), marks[s.name],
        ])
    export_note = f"完成 {facts['exports_done']} 个"
    if facts["exports_failed"]:
        export_note += f"，失败 {len(facts['exports_failed'])} 个：{facts['exports_failed'][0][:80]}"
    out.append([
        "进程存活（gunicorn 工作进程与后台任务进程）", "", "", "", "", "", str(facts["deaths"]),
        "0 个进程退出", "达标" if facts["deaths"] == 0 and not facts["exports_failed"] else "未达标",
    ])
    out[-1][0] += f"；期间后台全县 Excel 导出{export_note}"
    return out


LOAD_HEADERS = ["负载项目", "客户端", "请求数", "每秒请求", "p50(秒)", "p95(秒)", "错误", "目标", "结果"]


def markdown(scenarios, facts):
    lines = ["", "### 负载（`python manage.py bench --load`）", "",
             "| " + " | ".join(LOAD_HEADERS) + " |",
             "|" + "|".join(["---"] + ["---:"] * 6 + ["---"] * 2) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows(scenarios, facts)]
    lines += ["", f"`scripts/serve.sh` 在 127.0.0.1 上以 gunicorn {facts['workers']} 个工作进程提供服务（同 `make run`），"
              f"每项 {facts['clients']} 个已登录的客户端（各自的会话与 CSRF 令牌）持续 {facts['seconds']} 秒；"
              "期间后台任务进程一直在生成全县 Excel 名册（一个完成即再排一个）。", ""]
    return "\n".join(lines)


def error_samples(scenarios):
    return [f"{s.name}：{d}" for s in scenarios for d in s.error_samples]

