"""Django settings for Yingji.

Everything a deployment changes comes from the environment:

- ``DATABASE_URL``: a PostgreSQL URL; without it Yingji uses an embedded SQLite
  file in ``var/`` (WAL journal, 20 s busy timeout, IMMEDIATE transactions).
- ``YINGJI_VAR_DIR``: where data lives (default ``var/`` in the repository).
- ``YINGJI_SECRET_KEY``: the secret key; without it one is generated once and
  kept in ``var/secret_key``.
- ``YINGJI_PII_KEY``: the Fernet key that encrypts petitioners' details at rest;
  without it one is generated once and kept in ``var/pii_key`` (mode 0600).
  Losing it loses those details: back it up apart from the database.
- ``YINGJI_DEBUG`` ("1" to enable), ``YINGJI_ALLOWED_HOSTS`` (comma-separated).
- ``YINGJI_UPLOAD_MAX_MB_<PURPOSE>``, ``YINGJI_UPLOAD_MAX_UNPACKED_MB``: upload limits
  (``yingji/uploads.py``); ``YINGJI_NOTIFY_*``: notification delivery.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from yingji.dbconfig import database_settings

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("YINGJI_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return the secret key from the environment or ``var/secret_key`` (made once, mode 0600)."""
    if os.environ.get("YINGJI_SECRET_KEY"):
        return os.environ["YINGJI_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _pii_key() -> str:
    """Return the Fernet key for petitioners' details: environment, else ``var/pii_key`` (made once)."""
    if os.environ.get("YINGJI_PII_KEY"):
        return os.environ["YINGJI_PII_KEY"]
    path = VAR_DIR / "pii_key"
    if not path.exists():
        import base64

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip()


#: Fernet key (urlsafe base64 of 32 bytes) for petitioners' details at rest (DESIGN.md §6).
YINGJI_PII_KEY = _pii_key()
#: Where the township's corrections to the official working-day calendar live (YAML).
YINGJI_WORK_CALENDAR = Path(
    os.environ.get("YINGJI_WORK_CALENDAR", VAR_DIR / "work_calendar.yaml")
).resolve()
DEBUG = os.environ.get("YINGJI_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("YINGJI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django-ninja's own copy of Swagger UI for /api/docs (without the app it loads it from a CDN,
    # which the intranet cannot reach and our Content-Security-Policy refuses).
    "ninja",
    "yingji",
    "yingji.audit",
    "yingji.plans",
    "yingji.orgs",
    "yingji.deadlines",
    "yingji.notify",
    "yingji.earlywarning",
    "yingji.incidents",
    "yingji.petitions",
    "yingji.reports",
    "yingji.complaints",
    "yingji.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yingji.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingji.middleware.LanguageMiddleware",
    # Inside the language, outside CSRF and the URL resolver: the API's own 4xx pages become JSON.
    "yingji.api.errors.JsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yingji.orgs.middleware.IdleTimeoutMiddleware",
    "yingji.orgs.middleware.AccountGateMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yingji.urls"
WSGI_APPLICATION = "yingji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's own templates first, so that ours win over the admin's
        # registration/ templates of the same name.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yingji.orgs.context.member",
            ],
        },
    },
]

DATABASES = {"default": database_settings(os.environ, VAR_DIR)}

# Per process, in memory: what is cached is derived (pages' fixed fragments, rate-limit counts),
# never a record. "template_fragments" is the alias the {% cache %} tag looks up first; without
# it each fragment raised and caught two exceptions before falling back to "default" (most of the
# tag's time on the ledger page, issue 4's benchmark). Fragments are kept unpickled (yingji/cache.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yingji"},
    "template_fragments": {
        "BACKEND": "yingji.cache.FragmentCache",
        "LOCATION": "yingji-template-fragments",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    # Argon2id with OWASP's parameters and a bound on concurrent hashes (see the class).
    "yingji.orgs.passwords.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yingji.orgs.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Reads the user with their member, township and second-factor flag in one
    # query (yingji/orgs/backends.py): every logged-in page needs them.
    "yingji.orgs.backends.MemberBackend",
]
# Lock a login name after 5 failed attempts for 30 minutes (等保2.0 登录失败处理);
# the peace office head or an admin can lift the lock on the organisation page.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Not by address: a township office reaches the server from one NAT address, and
# locking it would lock every member of the office out at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Log out after this many minutes without a request (polling requests do not count).
YINGJI_IDLE_TIMEOUT_MIN = int(os.environ.get("YINGJI_IDLE_TIMEOUT_MIN", "30"))
OTP_TOTP_ISSUER = "应急 Yingji"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Database sessions, read with one prepared statement (yingji/sessions.py).
SESSION_ENGINE = "yingji.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers), not from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind HTTPS (YINGJI_HTTPS=1) cookies are Secure and browsers are told to stay on HTTPS.
if os.environ.get("YINGJI_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = 10 * 3600  # absolute limit of a session: one working day

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Uploaded files (on-scene attachments, evidence): kept under the var dir, never
# served as static files; pages hand them out through permission-checked views.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/files/"  # no route serves this prefix; see incidents.views.download
# Largest request body without files (bytes); uploads above this size go to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads are checked by content against an allow-list per purpose (yingji/uploads.py);
# the largest accepted file per purpose, in bytes. YINGJI_UPLOAD_MAX_MB_<PURPOSE>
# (e.g. YINGJI_UPLOAD_MAX_MB_EVIDENCE=2048) changes one. `yingji serve` refuses a
# request body larger than the largest of them before reading it.
_UPLOAD_MAX_MB = {
    "evidence": 1024,  # body-worn camera recordings
    "attachment": 100,  # photos and recordings on the on-scene log
    "summary": 20,  # the signed summary report
    "ledger": 20,  # a township's warning ledger (.xlsx)
    "complaints": 50,  # message-board and hotline exports (.xlsx)
    "plan": 5,  # a plan document (.txt / .docx)
}
YINGJI_UPLOAD_MAX_BYTES = {
    purpose: int(float(os.environ.get(f"YINGJI_UPLOAD_MAX_MB_{purpose.upper()}", mb)) * 2**20)
    for purpose, mb in _UPLOAD_MAX_MB.items()
}
# An .xlsx / .docx whose members would unpack to more than this is refused (zip bombs).
YINGJI_UPLOAD_MAX_UNPACKED_BYTES = int(
    float(os.environ.get("YINGJI_UPLOAD_MAX_UNPACKED_MB", "256")) * 2**20
)
# Serve straight from the apps' static folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get(
    "YINGJI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# For the SMTP backend (django.core.mail.backends.smtp.EmailBackend):
EMAIL_HOST = os.environ.get("YINGJI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("YINGJI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("YINGJI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("YINGJI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("YINGJI_EMAIL_TLS") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("YINGJI_EMAIL_FROM", "yingji@localhost")

# Where links in messages point (signed acknowledgement links, the bell's targets).
YINGJI_BASE_URL = os.environ.get("YINGJI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Delivery of notifications: per-attempt timeout (s), attempts before the dead letter,
# the waits between attempts (s; the last repeats), and the sender's thread count.
YINGJI_NOTIFY_TIMEOUT_S = float(os.environ.get("YINGJI_NOTIFY_TIMEOUT_S", "10"))
# A claimed delivery is left to its worker this long at least (s; also 3 × the timeout);
# after a worker's death its claimed rows are sent again once this has passed.
YINGJI_NOTIFY_LEASE_MIN_S = float(os.environ.get("YINGJI_NOTIFY_LEASE_MIN_S", "30"))
YINGJI_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("YINGJI_NOTIFY_MAX_ATTEMPTS", "6"))
YINGJI_NOTIFY_BACKOFF_S = [10, 30, 120, 600, 1800]
YINGJI_NOTIFY_THREADS = int(os.environ.get("YINGJI_NOTIFY_THREADS", "8"))
# A signed acknowledgement link is valid this long (s).
YINGJI_ACK_LINK_MAX_AGE_S = 7 * 24 * 3600

# The background worker wakes this often (seconds).
YINGJI_WORKER_INTERVAL_S = float(os.environ.get("YINGJI_WORKER_INTERVAL_S", "1.0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"yingji": {"handlers": ["console"], "level": "INFO"}},
}
