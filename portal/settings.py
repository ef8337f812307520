"""Settings of the portal, read from the environment (see `.env.example`).

With no environment at all the portal runs for a quick look: debug on, SQLite under
`var/`, Celery tasks executed eagerly, e-mail printed to the console. With
`DJANGO_DEBUG=0` it is in production mode and refuses to start unless `SECRET_KEY`,
`DATABASE_URL`, `REDIS_URL` and `ALLOWED_HOSTS` are set.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

PRODUCTION_REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")


def _required_in_production(name: str) -> None:
    """Stop start-up with a message naming the variable production cannot do without."""
    if not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"{name} is required when DJANGO_DEBUG=0 (production mode). "
            f"Set it in the environment; see .env.example."
        )


if not DEBUG:
    for _name in PRODUCTION_REQUIRED:
        _required_in_production(_name)

# A fixed development key is fine only while debug is on; production must provide one.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "django_filters",
    "django_celery_beat",
    "portal",
    "community",
    "procurement",
    "cases",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.DutchFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.PrivateCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.StaffMFAMiddleware",
    "portal.middleware.SiteAddressMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.navigation.navigation",
            ],
        },
    },
]

# Form fields render through our templates (templates/django/forms/) with NL Design classes.
FORM_RENDERER = "kit.forms.PortalFormRenderer"

# --- Data ----------------------------------------------------------------------------

(BASE_DIR / "var").mkdir(exist_ok=True)
# The covering index of the trajectory list's facets (procurement_traj_facets) lists
# INCLUDE columns, which SQLite (a local fallback only) ignores: the index still works.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's psycopg pool: no new connection per request. CONN_MAX_AGE must be 0 with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
elif not DEBUG:
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL when DJANGO_DEBUG=0.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "community.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background jobs (Celery) ----------------------------------------------------------

# Without a broker the portal runs tasks in-process (the zero-services default).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, not when received
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker puts its task back
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: take one at a time
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# With acks_late on Redis, a task not acknowledged within the visibility timeout is handed
# to another worker. It must exceed the longest task (the hard limit above) plus any ETA
# or countdown we use, or a long report would run twice. One hour leaves ample room.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# PDF progress reports have their own queue: a long report never holds up the mail. A
# worker consumes both (`celery -A portal worker -Q celery,reports`).
CELERY_TASK_ROUTES = {"reports.tasks.report_make": {"queue": "reports"}}
# The schedule lives in the database (django-celery-beat), where staff edit it in the
# admin. Beat writes the entries below into it at every start (resetting their timing), so
# only the portal's own plumbing belongs here; schedules staff may change, such as the
# daily trajectory reminders, are rows made by a migration (procurement 0004).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": 60.0},
    # A safety net for the case list's facet index (cases.facets), kept by every change.
    "cases-facets-rebuild": {"task": "cases.tasks.facets_rebuild", "schedule": 60.0 * 60},
    # The same for the dashboards' KPI summary (procurement.summaries), kept by every
    # write through the services; this catches the admin and moved organisations.
    "procurement-kpi-summaries-rebuild": {
        "task": "procurement.tasks.kpi_summaries_rebuild",
        "schedule": 60.0 * 60 * 24,
    },
}

# --- Identity (django-allauth) ---------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "community.forms.SignupForm"
# Account mails are rendered in the request and sent by the Celery worker.
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Circulair Inkopen Groene Hart] "
# allauth's defaults, written out so the limits are visible and reviewable.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Circulair Inkopen Groene Hart"

# E-mail: EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production; the console in debug.
# Django 6.1's MAILERS replaces the EMAIL_* settings. A backend refuses OPTIONS it does not
# know, so the SMTP ones (host, timeout, ...) go only to SMTP, file_path only to filemail://.
# The timeout keeps a worker from hanging on a mail server that accepts but never answers.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
_SMTP_TIMEOUT = 10
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    if _email["EMAIL_BACKEND"] == _SMTP_BACKEND:
        if not _email.get("EMAIL_HOST"):
            raise ImproperlyConfigured("EMAIL_URL must name the SMTP host, e.g. smtp://host:25.")
        _options = {
            "host": _email.get("EMAIL_HOST"),
            "port": _email.get("EMAIL_PORT"),
            "username": _email.get("EMAIL_HOST_USER"),
            "password": _email.get("EMAIL_HOST_PASSWORD"),
            "use_tls": _email.get("EMAIL_USE_TLS"),
            "use_ssl": _email.get("EMAIL_USE_SSL"),
            "timeout": _SMTP_TIMEOUT,
        }
    elif _email["EMAIL_BACKEND"] == _FILE_BACKEND:
        _options = {"file_path": _email.get("EMAIL_FILE_PATH")}
    else:  # consolemail://, memorymail://, dummymail:// take no options
        _options = {}
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {key: value for key, value in _options.items() if value not in (None, "")},
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # With MAILERS, the SMTP backend has no implicit host: name the local relay.
    MAILERS = {
        "default": {
            "BACKEND": _SMTP_BACKEND,
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": _SMTP_TIMEOUT},
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@circulair-groenehart.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's own address, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The providers of community's hooks (community/extensions.py): community imports none of
# the apps above it, so the portal, which knows them all, wires them here.
PORTAL_HOOKS = {
    "themegroup_sections": [
        "procurement.sections.themegroup_trajectories",
        "cases.sections.themegroup_cases",
    ],
    "organisation_sections": [
        "procurement.sections.organisation_trajectories",
        "cases.sections.organisation_cases",
    ],
    "action_trajectory_choices": ["procurement.actions.trajectory_choices"],
    "action_trajectories": ["procurement.actions.linked_trajectories"],
    "action_trajectory_set": ["procurement.actions.trajectory_link_set"],
    "commitment_progress": ["procurement.commitments.trajectories_started"],
    "digest_items": ["cases.hooks.digest_items"],
}
SECURITY_CONTACT = env.str(
    "SECURITY_CONTACT", default="mailto:security@circulair-groenehart.example"
)

# --- Language and time -------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, also before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# Finished PDF progress reports: private, outside MEDIA_ROOT, served only by the download
# view of reports (which checks the reader's rights every time).
REPORTS_ROOT = env.path("REPORTS_ROOT", default=BASE_DIR / "var" / "private" / "reports")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security headers ---------------------------------------------------------------------

# Everything is served from our own origin: no CDN, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
# /health/ is called by the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Logging (one line per event, key=value, to stdout for the container runtime) ----------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "keyvalue": {
            "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)r",
        }
    },
    "filters": {
        "client_errors_without_traceback": {"()": "portal.logs.ClientErrorsWithoutTraceback"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "keyvalue",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler would write every record a second time (DEBUG):
        # its records go to the root handler only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint tells every step of every PDF at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
