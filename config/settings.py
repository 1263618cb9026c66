"""Settings. Everything has a safe default so `make run` works with no configuration.

Environment variables (all optional):
  DATABASE_URL   sqlite:///path or postgres://user:pass@host:port/name (default: var/db.sqlite3)
  SECRET_KEY     required when DEBUG is off in a real deployment; a file var/secret_key is made otherwise
  DEBUG          on/off (default off)
  ALLOWED_HOSTS  comma-separated (default 127.0.0.1,localhost)
  COUNTY_NAME    shown in the header band
  HTTPS          on/off (default off): HSTS, secure cookies and the redirect to https
  HSTS_SECONDS   how long browsers remember to use https only (default one year)
  FORWARDED_ALLOW_IPS  the reverse proxies whose X-Forwarded-For names the client (gunicorn's own
                 variable, same default 127.0.0.1,::1)
  LOGIN_FAILURE_LIMIT / LOGIN_COOLOFF_MINUTES  failed logins before a lock, and how long it lasts
"""

import datetime
import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
# var/ holds the database, the secret key and files with full ID numbers: the service account only.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
try:
    VAR_DIR.chmod(0o700)
except OSError:  # not ours (another account's folder): leave it to the administrator
    pass

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)


def _secret_key():
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
COUNTY_NAME = env.str("COUNTY_NAME", default="X县")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "core",
    "branches",
    "accounts",
    "members",
    "ratings",
    "pilots",
    "investigation",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.BadInputMiddleware",
    # Last, as django-axes asks: it turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]
# Django's form renderer with the plain <input>s written in Python, in the same markup (core/renderer.py).
FORM_RENDERER = "core.renderer.FormRenderer"

WSGI_APPLICATION = "config.wsgi.application"


def _private_sqlite(name):
    """Create the SQLite file readable by the service account only (0600) before SQLite does; SQLite
    gives the -wal and -shm files the database file's mode. An existing file is tightened."""
    path = Path(name)
    if name == ":memory:" or not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                os.chmod(f"{path}{suffix}", 0o600)
    except OSError:  # not ours to change (another account's file): leave it to the administrator
        pass


DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
# A web worker keeps its connection between requests (opening one, with its PRAGMAs and a cold
# page cache, was 4-11 ms of a 30-40 ms roster page); checked before reuse.
_db.setdefault("CONN_MAX_AGE", 600)
_db["CONN_HEALTH_CHECKS"] = True
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions + a busy timeout: the web server and the export worker
    # write to the same file without "database is locked".
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _private_sqlite(_db["NAME"])
elif _db["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured(f"DATABASE_URL 只支持 sqlite 或 postgres，收到：{_db['ENGINE']}")

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
# Generated files hold full ID numbers: readable by the service account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions in the database; read through a query compiled once per connection (core/sessions.py).
SESSION_ENGINE = "core.sessions"
# Office PCs are shared: a login lasts a working day and ends when the browser closes.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# HTTPS=on once the server has a certificate (or a TLS proxy in front): browsers are then told to
# use https only (HSTS), cookies travel over https only, and http is redirected. Behind a proxy,
# gunicorn reads X-Forwarded-Proto from the addresses in FORWARDED_ALLOW_IPS, so Django needs no
# SECURE_PROXY_SSL_HEADER.
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a request to the public preload list acts on this; an intranet name is never on it.
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"

# Only the app's own files: no inline script or style (templates use static/ files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Login throttling (django-axes): failures are counted per username and, separately, per client
# address. After LOGIN_FAILURE_LIMIT failures the account (or the address) is locked for
# LOGIN_COOLOFF_MINUTES; a county administrator can lift a lock earlier (accounts/lockouts.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the others
    "accounts.backends.ModelBackend",  # Django's, reading the user of each page more cheaply
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: they are counted per address too, and one valid account
# must not clear an address that is guessing other accounts' passwords.
AXES_RESET_ON_SUCCESS = False
# Failures while locked do not extend the lock: it ends LOGIN_COOLOFF_MINUTES after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockouts.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockouts.client_username"
AXES_ENABLE_ADMIN = False  # locks are seen and lifted in the app (账号锁定)
AXES_VERBOSE = False
# A failed login waits LOGIN_FAILURE_DELAY seconds for each earlier failure, at most the maximum.
LOGIN_FAILURE_DELAY = 1.0
LOGIN_FAILURE_DELAY_MAX = 3.0
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Exports larger than these row counts run in the background worker, never in a web request.
EXPORT_SYNC_MAX_ROWS = {
    "xlsx": env.int("EXPORT_SYNC_MAX_ROWS_XLSX", default=5000),
    "pdf": env.int("EXPORT_SYNC_MAX_ROWS_PDF", default=150),
}

# At most this many exports of one user wait or run in the background at once.
EXPORT_MAX_PENDING_PER_USER = env.int("EXPORT_MAX_PENDING_PER_USER", default=3)
# A running export whose worker has not written for this long is taken for dead and marked failed.
EXPORT_HEARTBEAT_STALE_SECONDS = env.int("EXPORT_HEARTBEAT_STALE_SECONDS", default=300)

# Star ratings (ratings/grades.py): 5 stars 优秀党员, 3–4 合格党员, 2 or fewer 不合格党员; publicity of at
# least seven days (this county's rule; another county uses five).
RATING_EXCELLENT_MIN_STARS = env.int("RATING_EXCELLENT_MIN_STARS", default=5)
RATING_QUALIFIED_MIN_STARS = env.int("RATING_QUALIFIED_MIN_STARS", default=3)
PUBLICITY_DAYS = env.int("PUBLICITY_DAYS", default=7)
# The supervision phone printed on the publicity notice (公示表) and shown on the public board.
RATING_SUPERVISION_PHONE = env.str("RATING_SUPERVISION_PHONE", default="0000-1234567")
# Objections one address may submit on the public board per hour.
OBJECTIONS_PER_ADDRESS_PER_HOUR = env.int("OBJECTIONS_PER_ADDRESS_PER_HOUR", default=3)
# 年终定星 (ratings/annual.py): average_floor (the grade of the average star count of the rated
# quarters, rounded down), average_round or lowest.
RATING_ANNUAL_RULE = env.str("RATING_ANNUAL_RULE", default="average_floor")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Relationship transfers (members/transfers.py): how long an introduction letter is valid (printed
# on it), and after how many months without a registered receipt it shows as overdue (FORMS.md:
# the receiving side returns the receipt within one month).
TRANSFER_LETTER_VALID_DAYS = env.int("TRANSFER_LETTER_VALID_DAYS", default=30)
TRANSFER_RECEIPT_MONTHS = env.int("TRANSFER_RECEIPT_MONTHS", default=1)
