"""Deployment settings: HTTPS switch, Content-Security-Policy, no caching of personal data."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import ExportJob

ROOT = Path(settings.BASE_DIR)


def _check_deploy(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "HTTPS", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(VAR_DIR=str(tmp_path), ALLOWED_HOSTS="dangyuan.county.example", **env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=environ, capture_output=True, text=True)


def test_check_deploy_is_clean_with_https_on(tmp_path):
    done = _check_deploy(tmp_path, HTTPS="on", SECRET_KEY=secrets.token_urlsafe(50))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_names_what_https_off_lacks(tmp_path):
    done = _check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert done.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr + done.stdout


def test_csp_header_on_every_page(client, county):
    for response in (client.get(reverse("login")), _as(client, county.secretary).get(reverse("members:roster"))):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp


# Templates rendered to PDF by WeasyPrint never reach a browser: CSP does not apply to them.
PDF_TEMPLATES = re.compile(r"_pdf\.html$")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), 'style="" attribute'),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_inline_script_or_style_in_templates():
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")) + sorted((ROOT / "templates").glob("**/*.html")):
        if ".venv" in path.parts or PDF_TEMPLATES.search(path.name):
            continue
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


def _as(client, user):
    client.force_login(user)
    return client


def test_no_store_on_pages_and_downloads(client, county, tmp_path):
    client.force_login(county.secretary)
    for response in (client.get(reverse("members:detail", args=[county.east1.pk])),
                     client.get(reverse("members:roster")),
                     client.post(reverse("members:export_xlsx"))):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
    job = ExportJob.objects.create(user=county.secretary, exporter="roster", fmt="xlsx", title="名册.xlsx",
                                   filename="名册.xlsx", status=ExportJob.Status.DONE)
    job.file.save("x.xlsx", ContentFile(b"xlsx"))
    response = client.get(reverse("download_file", args=[job.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_static_files_keep_their_caching(client, settings):
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
    response = client.get("/" + settings.STATIC_URL.lstrip("/") + "css/app.css")
    assert response.status_code == 200 and "max-age" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
