"""Backstop settings: one module, everything from the environment.

With nothing set, Backstop runs embedded: SQLite, Celery tasks run eagerly,
local-memory cache, files under ./var. Setting DATABASE_URL and REDIS_URL
switches the same code to PostgreSQL, Redis (broker and cache) and real workers.
BACKSTOP_PRODUCTION=1 turns on the production hardening that `check --deploy` asks for.
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BACKSTOP_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("BACKSTOP_PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when BACKSTOP_PRODUCTION=1")
    SECRET_KEY = "dev-only-insecure-key-backstop-never-use-in-production-0123456789"

# Production runs on PostgreSQL with Redis (broker and cache) and real workers. Without them the
# embedded defaults would quietly take over: a SQLite file, tasks run inside the web request, a cache
# (and so throttles and lockouts) per process. Refuse to start instead.
DATABASE_URL = env_str("DATABASE_URL", "")
REDIS_URL = env_str("REDIS_URL", "")
if PRODUCTION:
    for _name, _value in (("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL)):
        if not _value.strip():
            raise ImproperlyConfigured(
                f"{_name} must be set when BACKSTOP_PRODUCTION=1 (production does not run on the embedded "
                "SQLite database, in-process tasks or a per-process cache)"
            )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "core",
    "accounts",
    "audit",
    "vendors",
    "compliance",
    "reports",
    "review",
    "market",
    "outages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.ActiveOrganizationMiddleware",
    "core.throttling.WebUploadThrottleMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # Axes must come last so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.active_organization",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "backstop.sqlite3",
            # IMMEDIATE: a transaction takes the write lock when it begins, so two read-then-write requests
            # queue on the timeout instead of deadlocking into "database is locked"; WAL lets pages read while
            # one writer writes.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The audit chains' anchors (audit.anchors, docs/security.md "The audit chain"): every interval the head of
# each organisation's chain is signed with this key and written to the directory, outside the database, so
# that cutting the chain's tail or rewriting it with fresh hashes no longer goes unnoticed. The key must not
# be known to whoever can write the database; the directory belongs on storage they cannot rewrite.
AUDIT_ANCHOR_KEY = env_str("AUDIT_ANCHOR_KEY", "")
if not AUDIT_ANCHOR_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("AUDIT_ANCHOR_KEY must be set when BACKSTOP_PRODUCTION=1")
    AUDIT_ANCHOR_KEY = "dev-only-audit-anchor-key-backstop-never-use-in-production-0123456789"
if PRODUCTION and len(AUDIT_ANCHOR_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_ANCHOR_KEY must be at least 32 characters (a random secret)")
# Keys of earlier anchors, still accepted when verifying (key rotation: keep until every chain has been
# anchored with the new key, i.e. one anchoring interval).
AUDIT_ANCHOR_PREVIOUS_KEYS = env_list("AUDIT_ANCHOR_PREVIOUS_KEYS", [])
AUDIT_ANCHOR_DIR = Path(env_str("AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")))
AUDIT_ANCHOR_INTERVAL_MINUTES = env_int("AUDIT_ANCHOR_INTERVAL_MINUTES", 60)
if AUDIT_ANCHOR_INTERVAL_MINUTES < 1:
    raise ImproperlyConfigured(f"AUDIT_ANCHOR_INTERVAL_MINUTES must be 1 or more, got {AUDIT_ANCHOR_INTERVAL_MINUTES}")
# A chain older than two intervals with no anchor at all fails verification (the store was lost or never
# written); on by default in production, where beat runs the anchoring.
AUDIT_ANCHOR_REQUIRED = env_bool("AUDIT_ANCHOR_REQUIRED", PRODUCTION)
# The role the application connects as on PostgreSQL (docs/security.md): it may only append to the audit log.
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "backstop_app")
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DATABASE_APP_ROLE):
    raise ImproperlyConfigured(f"DATABASE_APP_ROLE must be a plain lower-case role name, got {DATABASE_APP_ROLE!r}")

# Celery: without a broker the tasks run in-process, so a newcomer needs nothing running.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A worker killed mid-task must leave the message on the broker to be redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULE: dict = {
    "verify-audit-chain-nightly": {"task": "audit.verify_chain", "schedule": 24 * 3600},
    "anchor-audit-chains": {"task": "audit.anchor_chains", "schedule": AUDIT_ANCHOR_INTERVAL_MINUTES * 60},
    "review-reminders-hourly": {"task": "review.send_reminders", "schedule": 3600},
    "expire-exports-hourly": {"task": "reports.expire_exports", "schedule": 3600},
    "redispatch-exports": {"task": "reports.redispatch_exports", "schedule": 5 * 60},
    "resend-notification-emails": {"task": "review.resend_notification_emails", "schedule": 10 * 60},
}
# Providers' status feeds (outages app): beat looks every OUTAGE_FEED_POLL_SECONDS for feeds that are due;
# a failing feed waits twice as long per failure in a row, at most OUTAGE_FEED_BACKOFF_MAX_SECONDS.
OUTAGE_FEED_POLL_SECONDS = env_int("OUTAGE_FEED_POLL_SECONDS", 60)
OUTAGE_FEED_TIMEOUT_SECONDS = env_int("OUTAGE_FEED_TIMEOUT_SECONDS", 10)
OUTAGE_FEED_BACKOFF_MAX_SECONDS = env_int("OUTAGE_FEED_BACKOFF_MAX_SECONDS", 900)
# The live impact board refreshes itself (htmx polling) this often while an outage is open.
OUTAGE_BOARD_REFRESH_SECONDS = env_int("OUTAGE_BOARD_REFRESH_SECONDS", 10)
# Where the demo's status feeds are served from (the app itself, under DEBUG: see outages/demo.py).
OUTAGE_DEMO_FEED_BASE_URL = env_str("OUTAGE_DEMO_FEED_BASE_URL", "http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE["poll-status-feeds"] = {"task": "outages.poll_feeds", "schedule": OUTAGE_FEED_POLL_SECONDS}
# A notification not emailed after this long (broker down, queue lost in a Redis restart) is queued again,
# for as long as it is younger than the maximum age.
NOTIFICATION_EMAIL_RETRY_MINUTES = env_int("NOTIFICATION_EMAIL_RETRY_MINUTES", 10)
NOTIFICATION_EMAIL_MAX_AGE_HOURS = env_int("NOTIFICATION_EMAIL_MAX_AGE_HOURS", 24)
# Export jobs: files are kept this long, then deleted (the job row stays as the record).
EXPORT_RETENTION_HOURS = env_int("EXPORT_RETENTION_HOURS", 72)
# A queued job not picked up after this long (broker was down) is dispatched again by beat.
EXPORT_REQUEUE_MINUTES = env_int("EXPORT_REQUEUE_MINUTES", 5)
# A running job without progress for this long is presumed dead and restarted.
EXPORT_STALE_MINUTES = env_int("EXPORT_STALE_MINUTES", 30)
# Below this many dependencies the register workbook is also offered as an immediate download.
EXPORT_DIRECT_MAX_DEPENDENCIES = env_int("EXPORT_DIRECT_MAX_DEPENDENCIES", 2000)
# Tests only: lets parameters["throttle_ms"] slow a build down so a worker can be killed mid-export.
EXPORT_ALLOW_THROTTLE = env_bool("EXPORT_ALLOW_THROTTLE", False)
# Embedded (no broker, tasks eager): an export job runs in a thread of the web process instead of inside the
# request that asked for it, so the job page's progress bar moves as it would with a worker. Off in tests.
EXPORT_IN_THREAD = env_bool("EXPORT_IN_THREAD", not REDIS_URL)
# The Celery queue export jobs are sent to (empty: the default queue); lets exports get their own workers.
EXPORT_QUEUE = env_str("EXPORT_QUEUE", "")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An invitation of an existing account to a firm waits this long for the person's answer.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# How many reverse proxies of our own stand in front of the app and append to X-Forwarded-For. The audit
# log, the login lockout and the API throttles all take the client address from audit.middleware.client_ip,
# which believes only that many hops; 0 (the default) ignores the header, which any client can forge.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")

# Failed logins: lock the (username, IP) pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"
# Only read if the callable above were removed and django-ipware installed: the same count either way.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence and exports are private: there is deliberately no MEDIA_URL route,
# every download goes through a view that checks the user's firm and role.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
REVIEW_DEADLINE_DAYS = env_int("REVIEW_DEADLINE_DAYS", 14)
REASSESSMENT_INTERVAL_DAYS = env_int("REASSESSMENT_INTERVAL_DAYS", 365)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "backstop@localhost")

# Request rates ("N/s|min|hour|day") per scope, counted in the default cache (see core.throttling).
_RATE = re.compile(r"^\d+/(s|sec|m|min|h|hour|d|day)$")


def _rate(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name} must look like 100/min (per s, min, hour or day), got {value!r}")
    return value


THROTTLE_RATES = {
    "anon": _rate("THROTTLE_ANON_RATE", "60/min"),
    "user": _rate("THROTTLE_USER_RATE", "1200/min"),
    "token": _rate("THROTTLE_TOKEN_RATE", "10/hour"),
    "password_reset": _rate("THROTTLE_PASSWORD_RESET_RATE", "5/hour"),
    "upload": _rate("THROTTLE_UPLOAD_RATE", "120/hour"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous API call gets 401 with a WWW-Authenticate header.
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonThrottle",
        "core.throttling.UserThrottle",
        "core.throttling.ScopedThrottle",
        "core.throttling.UploadThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.drf.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.BackstopAutoSchema",
    "EXCEPTION_HANDLER": "core.drf.error_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The throttles' client address: the same trusted hops as audit.middleware.client_ip.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Backstop API",
    "DESCRIPTION": "Third-party risk register, assessments and supervisory review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies apart from responses: read-only fields (id, created_at, ...) are not asked for, and
    # strings that may not be blank say so (minLength 1).
    "COMPONENT_SPLIT_REQUEST": True,
    # The error body, the X-Organization header and `version` on updates: core.openapi.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.openapi.postprocess"],
    # Several models have a "status" or "kind": name each value list after what it is.
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "vendors.choices.Tier",
        "OrganizationKindEnum": "accounts.models.OrganizationKind",
        "ExportKindEnum": "reports.models.ExportKind",
        "ExportStatusEnum": "reports.models.ExportStatus",
        "VendorStatusEnum": "vendors.choices.VendorStatus",
        "CatalogStatusEnum": "vendors.choices.CatalogStatus",
        "AssessmentStatusEnum": "compliance.choices.AssessmentStatus",
        "FindingStatusEnum": "compliance.choices.FindingStatus",
        "SubmissionDecisionEnum": "review.models.Decision",
        "ReviewDecisionEnum": [("accept", "accept"), ("request_changes", "request_changes")],
        "SimulationScopeEnum": [("market", "market"), ("firm", "firm")],
        "ScopeEnum": "compliance.choices.Scope",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# --- Account security (issue #12): second factor ----------------------------------------------------------
# TOTP authenticator apps and single-use recovery codes (django-otp). Required for supervisors, lead
# supervisors, firm admins and platform operators (accounts.roles.SECOND_FACTOR_ROLES), optional for others.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# django-otp reads the verified device from the session right after the user is known; the gate needs the
# active memberships (for the roles), so it comes after ActiveOrganizationMiddleware.
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE.insert(_after_auth, "django_otp.middleware.OTPMiddleware")
_after_active_org = MIDDLEWARE.index("accounts.middleware.ActiveOrganizationMiddleware") + 1
MIDDLEWARE.insert(_after_active_org, "accounts.middleware.SecondFactorMiddleware")
OTP_TOTP_ISSUER = "Backstop"

# --- Account security (issue #12): Content Security Policy ------------------------------------------------
# Everything from our own origin, nothing inline: templates carry no <script>, <style>, style="" or on*="";
# behaviour lives in static/js, looks in static/css. The API docs are served from drf-spectacular-sidecar's
# files, also our own origin. A page that needs more must say so per view (csp.decorators), with its reason.
_SELF, _NONE = "'self'", "'none'"
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        # The QR code is inline SVG markup, not an image; Swagger UI draws its icons as data: images.
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    },
}
