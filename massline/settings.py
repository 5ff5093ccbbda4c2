"""Settings read from the environment; defaults give the embedded SQLite demo."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MASSLINE_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
DEV = env_bool("MASSLINE_DEV", DEBUG)
"""Development or demo on one's own machine over plain HTTP (`make demo`, `make lint`, the
test settings; DEBUG=1 implies it): the development key is allowed, the HTTPS settings and the
administrators' two-factor requirement are off. Production sets neither DEBUG nor MASSLINE_DEV:
a real SECRET_KEY is required, and secure cookies, HSTS and the HTTPS redirect are on."""

DEVELOPMENT_KEY = "massline-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (DEVELOPMENT_KEY if DEV else "")
if not DEV and (SECRET_KEY == DEVELOPMENT_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "生产模式必须把环境变量 SECRET_KEY 设为至少 50 个字符的随机值，不能使用开发密钥。"
        '生成：python -c "import secrets; print(secrets.token_urlsafe(50))"；'
        "仅在本机开发或演示时可设 MASSLINE_DEV=1（make demo 已设置）。 / In production "
        "SECRET_KEY must be a random value of at least 50 characters; set MASSLINE_DEV=1 "
        "for development or the demo only."
    )
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "massline.accounts.apps.MasslineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "massline.core",
    "massline.accounts",
    "massline.orgs",
    "massline.notices",
    "massline.appeals",
    "massline.assessment",
    "massline.consult",
    "massline.opinion",
    "massline.knowledge",
    "massline.jobs",
    "massline.demo",
    "massline.residents",
    "massline.office",
    "massline.party",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "massline.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "massline.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Sent with every HTML page (massline.core.middleware): no inline script or style, nothing
# from another site. A deployment that shows map tiles adds the tile server to img-src.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "massline.urls"
WSGI_APPLICATION = "massline.wsgi.application"

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
                "massline.core.context_processors.site",
                "massline.notices.context_processors.notices",
                "massline.party.context_processors.party",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'massline.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_NAME", str(VAR_DIR / "test-massline.sqlite3"))
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "massline.accounts.backends.PhoneOrUsernameBackend",
]
LOGIN_URL = "/admin/login/"
_VALIDATORS = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _VALIDATORS + "UserAttributeSimilarityValidator"},
    {"NAME": _VALIDATORS + "MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": _VALIDATORS + "CommonPasswordValidator"},
    {"NAME": _VALIDATORS + "NumericPasswordValidator"},
]

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account, or
# from one client address, logins are refused for LOGIN_LOCKOUT_MINUTES (every further try
# restarts the clock; failures count until they are that old). Applies to
# /api/v1/auth/login, /api/v1/auth/tokens and the admin login.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
"""Not reset: axes would delete the address's failures too, so logging in to one's own account
between guesses would lift the limit on the account being guessed."""
AXES_LOCKOUT_CALLABLE = "massline.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "massline.accounts.throttle.client_ip"
AXES_USERNAME_CALLABLE = "massline.accounts.throttle.login_name"
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
"""How many reverse proxies append to X-Forwarded-For in front of the app (0: use the peer)."""

# Staff two-factor (django-otp TOTP): platform administrators need it for the admin when this
# is on; any staff member who has enrolled a device needs it whatever this says.
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", not DEV)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "网上群众路线")

API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

# SMS codes: per phone one a minute; per client address and overall per hour; a question to
# answer once an address has asked for SMS_CHALLENGE_AFTER codes within the hour.
SMS_PER_ADDRESS_PER_HOUR = env_int("SMS_PER_ADDRESS_PER_HOUR", 10)
SMS_PER_HOUR = env_int("SMS_PER_HOUR", 1000)
SMS_CHALLENGE_AFTER = env_int("SMS_CHALLENGE_AFTER", 3)
# Looking an appeal up by tracking number + phone without logging in: misses per address/hour.
LOOKUP_FAILURES_PER_HOUR = env_int("LOOKUP_FAILURES_PER_HOUR", 10)

# HTTPS. Production defaults; each can be turned off for a deployment that really needs it.
_SECURE = not DEV
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
_PROXY_HEADER = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_HEADER.upper().replace("-", "_"), "https")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
"""Project-wide catalogue; each app keeps its own strings in <app>/locale (core: the layout)."""
LANGUAGE_COOKIE_NAME = "massline_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
MASSLINE_POLICY = "massline.appeals.permissions.policy"
"""The permission policy (user → object with is_staff) that the layout asks whether to show the
工作台 link; named here because core imports no app."""
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SMS_BACKEND = os.environ.get("SMS_BACKEND", "massline.accounts.sms.ConsoleBackend")
TRACKING_PREFIX = os.environ.get("TRACKING_PREFIX", "HG")
# The deployment's own area, a region code at any level (420000 湖北省, 421100 黄冈市 …): place
# extraction takes town names there without their county as its towns. The towns themselves come
# from regions.json, built for the right provinces by `make regions PROVINCES=420000,…`.
MASSLINE_REGION = os.environ.get("MASSLINE_REGION", "421100")
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENTS_PER_APPEAL = int(os.environ.get("ATTACHMENTS_PER_APPEAL", "9"))

# Background work (django-tasks). `database` keeps the queue in the app's own database and needs
# no server (the embedded default; `massline worker` runs it); `rq` puts it on Redis
# (REDIS_URL) for deployments where one worker process is not enough.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database").strip().lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND 须为 {'、'.join(_TASK_BACKENDS)} 之一 / TASK_BACKEND must be one of "
        + ", ".join(_TASK_BACKENDS)
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 120)
"""A task whose worker has not been heard from for this long was killed: it runs again."""

# Notices: always in the site's notification centre; also on these channels (comma-separated;
# the demo prints e-mail and SMS to the console).
NOTICE_CHANNELS = [
    c.strip()
    for c in os.environ.get("NOTICE_CHANNELS", "email,sms" if DEV else "").split(",")
    if c.strip()
]
NOTICE_CHANNEL_CLASSES = {
    "email": "massline.notices.channels.EmailChannel",
    "sms": "massline.notices.channels.SmsChannel",
}
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEV
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
"""The address people reach the site at, for links in e-mails."""


# 考核: the composite score's weights over the rates (响应率 response, 按时办结率 on_time, 解决率
# resolution, 满意率 satisfaction …), and how much a 基本满意 counts towards 满意率.
def _weights(text: str) -> dict[str, float]:
    found = {}
    for part in text.split(","):
        name, _, value = part.partition(":")
        if name.strip():
            found[name.strip()] = float(value or 0)
    return found


ASSESSMENT_WEIGHTS = _weights(
    os.environ.get("ASSESSMENT_WEIGHTS", "response:10,resolution:45,satisfaction:45")
)
SATISFACTION_BASIC_WEIGHT = float(os.environ.get("SATISFACTION_BASIC_WEIGHT", "1"))
ASSESSMENT_MIN_CASES = env_int("ASSESSMENT_MIN_CASES", 5)
"""Units with fewer judged steps and ratings in a period are listed but not ranked."""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
