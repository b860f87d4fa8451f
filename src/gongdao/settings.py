"""Django settings, built from the validated GONGDAO_* environment (see gongdao.conf)."""

from __future__ import annotations

import dj_database_url

from gongdao import conf

ENV = conf.load()
DATA_DIR = ENV["GONGDAO_DATA_DIR"]
BASE_URL: str = ENV["GONGDAO_BASE_URL"]
DEBUG: bool = ENV["GONGDAO_DEBUG"]
SECRET_KEY = conf.secret_key(DATA_DIR, ENV["GONGDAO_SECRET_KEY"])
ALLOWED_HOSTS: list[str] = ENV["GONGDAO_ALLOWED_HOSTS"]
CSRF_TRUSTED_ORIGINS = [BASE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "gongdao.parties",
    "gongdao.orders",
    "gongdao.policy",
    "gongdao.cases",
    "gongdao.evidence",
    "gongdao.notify",
    "gongdao.web",
    "gongdao.console",
    "gongdao.api",
    "gongdao.dossiers",
    "gongdao.selfhelp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongdao.web.middleware.UserLanguageMiddleware",
    "gongdao.selfhelp.middleware.GuestScopeMiddleware",  # an invited merchant sees their case only
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongdao.urls"
WSGI_APPLICATION = "gongdao.wsgi.application"
AUTH_USER_MODEL = "parties.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongdao.notify.context.unread",
            ]
        },
    }
]


def _database(url: str) -> dict:
    db = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0 if db["NAME"] == ":memory:" else 600
        db["OPTIONS"] = {
            # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two writers queue
            # on the busy timeout instead of failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    db["TEST"] = {"NAME": None}
    return db


DATABASES = {"default": _database(ENV["GONGDAO_DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE: str = ENV["GONGDAO_LANGUAGE"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [conf.Path(__file__).parent / "locale"]
USE_I18N = True
TIME_ZONE: str = ENV["GONGDAO_TIME_ZONE"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Web UI (issue 7): CSRF/language cookies like the session's; login throttling (django-axes); CSP (django-csp).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
AUTHENTICATION_BACKENDS = ["gongdao.web.auth.ThrottledBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "gongdao/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Evidence storage and upload limits (bytes).
GONGDAO_STORAGE: str = ENV["GONGDAO_STORAGE"]
GONGDAO_S3 = {
    "endpoint_url": ENV["GONGDAO_S3_ENDPOINT"],
    "bucket_name": ENV["GONGDAO_S3_BUCKET"],
    "access_key": ENV["GONGDAO_S3_ACCESS_KEY"],
    "secret_key": ENV["GONGDAO_S3_SECRET_KEY"],
    "region_name": ENV["GONGDAO_S3_REGION"],
}
MB = 1024 * 1024
GONGDAO_MAX_IMAGE_BYTES: int = ENV["GONGDAO_MAX_IMAGE_MB"] * MB
GONGDAO_MAX_VIDEO_BYTES: int = ENV["GONGDAO_MAX_VIDEO_MB"] * MB
GONGDAO_MAX_DOCUMENT_BYTES: int = ENV["GONGDAO_MAX_DOCUMENT_MB"] * MB
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * MB
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * MB

# Email: off when no host is set.
EMAIL_ENABLED = bool(ENV["GONGDAO_EMAIL_HOST"])
EMAIL_HOST = ENV["GONGDAO_EMAIL_HOST"] or "localhost"
EMAIL_PORT: int = ENV["GONGDAO_EMAIL_PORT"]
EMAIL_USE_TLS = ENV["GONGDAO_EMAIL_SECURITY"] == "starttls"
EMAIL_USE_SSL = ENV["GONGDAO_EMAIL_SECURITY"] == "ssl"
EMAIL_HOST_USER = ENV["GONGDAO_EMAIL_USER"] or ""
EMAIL_HOST_PASSWORD = ENV["GONGDAO_EMAIL_PASSWORD"] or ""
DEFAULT_FROM_EMAIL: str = ENV["GONGDAO_EMAIL_FROM"]
EMAIL_TIMEOUT = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"gongdao": {"handlers": ["console"], "level": "INFO"}},
}
