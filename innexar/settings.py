"""Innexar settings, driven by the environment (see README for the variables)."""

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from modules.core.browser_middleware import browser_only

from .db import database_config
from .env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
INNEXAR_BASE_DOMAIN = env_str("INNEXAR_BASE_DOMAIN", "localhost")
# Development: debug pages on, or a base domain that only resolves on this machine (`make run`,
# `make test` and the CI). Anywhere else the key everyone can read in this file would let anyone
# sign sessions, tokens and links, so there is no fallback.
DEVELOPMENT = DEBUG or INNEXAR_BASE_DOMAIN == "localhost" or INNEXAR_BASE_DOMAIN.endswith(".localhost")
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is not set. It is required outside development (INNEXAR_BASE_DOMAIN is "
            f"{INNEXAR_BASE_DOMAIN!r} and DJANGO_DEBUG is off): set it to a long random value, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-dev-only-set-DJANGO_SECRET_KEY-in-production"
INNEXAR_SCHEME = env_str("INNEXAR_SCHEME", "http")
INNEXAR_PORT = env_str("PORT", "8000")
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [INNEXAR_BASE_DOMAIN, f".{INNEXAR_BASE_DOMAIN}", "127.0.0.1"]
)
# Every form posts to its own host, and Django accepts a POST whose Origin is the request's own
# host without any list. So none is trusted by default: a wildcard over the base domain would let
# any workspace's pages (or a cookie planted from one) post into every other workspace.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Applications --------------------------------------------------------------------------
SHARED_APPS = [
    # tenancy before django_tenants: the first app wins a command name, and tenancy's
    # migrate_schemas replaces django-tenants' one.
    "modules.tenancy",
    "django_tenants",
    "modules.core",
    "modules.accounts",
    "modules.marketing",
    "modules.platform_admin",
    "modules.demo",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.postgres",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "template_partials",
    "heroicons",
    "allauth",
    "allauth.account",
    "csp",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "modules.core",  # its tables (document numbering) live in every schema
    "modules.workspace",
    "modules.events",
    "modules.crm",
    "modules.finance",
    "modules.invoicing",
    "modules.inventory",
    "modules.projects",
    "modules.integrations",
    "modules.analytics",
    "modules.webhooks",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_URLCONF = "innexar.urls_public"
ROOT_URLCONF = "innexar.urls_tenant"
PLATFORM_ADMIN_URLCONF = "innexar.urls_platform_admin"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
TENANT_COLOR_ADMIN_APPS = False
# SET search_path once per schema switch instead of before every query (five round trips of a
# list request). Switches happen outside transactions (middleware, token auth, task setup), so
# no rollback can undo a SET behind django-tenants' back.
TENANT_LIMIT_SET_CALLS = True
# Spare, already-migrated schemas kept ready so signup renames one instead of migrating. A burst
# of 20 signups in a few seconds takes 20 while the worker makes about one a second, so the pool
# holds a few more (docs/bench.md: what a burst beyond it costs).
SPARE_SCHEMA_POOL_SIZE = env_int("INNEXAR_SPARE_SCHEMA_POOL_SIZE", 24, minimum=0)
SPARE_SCHEMA_AUTO_REPLENISH = env_bool("INNEXAR_SPARE_SCHEMA_AUTO_REPLENISH", True)
# Seconds between a signup and the refill it queues.
SPARE_SCHEMA_REFILL_DELAY = env_int("INNEXAR_SPARE_SCHEMA_REFILL_DELAY", 5, minimum=0)
TRIAL_DAYS = 14

MIDDLEWARE = [
    # Request id and access line for everything below, early answers of the tenant lookup included.
    "modules.core.logs.RequestContextMiddleware",
    # /healthz and /readyz on every host, known or not, before any tenant lookup or session.
    "modules.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # On every answer of every face, static files included (docs/security.md).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Static files are the same on every host, so they are served before any tenant lookup.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "modules.tenancy.middleware.InnexarTenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "modules.accounts.middleware.TenantMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "modules.core.middleware.HtmxVaryMiddleware",
    "modules.core.middleware.HtmxLoginRedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
# API requests (bearer tokens only) skip sessions, CSRF, messages and htmx.
MIDDLEWARE = browser_only(MIDDLEWARE)

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
                "django.template.context_processors.i18n",
                "modules.core.context_processors.innexar",
            ],
            # date, time and floatformat in the language and the company's country (core.l10n).
            "builtins": ["modules.core.templatetags.l10n_builtins"],
        },
    }
]

WSGI_APPLICATION = "innexar.wsgi.application"

# --- Data --------------------------------------------------------------------------------------
DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# The cache may live in its own Redis database, apart from the Celery broker's queues.
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL", REDIS_URL)


def _cache(name: str, **options) -> dict:
    if REDIS_CACHE_URL:
        return {"BACKEND": "modules.core.cache.RedisCache", "LOCATION": REDIS_CACHE_URL, **options}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name, **options}


CACHES = {
    # Every key is prefixed with the current schema: one tenant's value is never another's.
    "default": _cache("default", KEY_FUNCTION="django_tenants.cache.make_key"),
    # Login throttling counts per account and address across every host, so it is not tenant-keyed.
    "throttle": _cache("throttle", KEY_PREFIX="throttle"),
    # Facts about tenants read from any schema (the public one included): keyed by tenant id.
    "platform": _cache("platform", KEY_PREFIX="platform"),
}

# --- Accounts and auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["modules.accounts.backends.TenantEmailBackend"]
PASSWORD_HASHERS = [
    "modules.accounts.hashers.OwaspArgon2PasswordHasher",
    # Older hashes still verify, and are upgraded at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "modules.accounts.allauth.WorkspaceAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_FORMS = {"login": "modules.accounts.allauth.WorkspaceLoginForm"}

# How many proxies in front of us append to X-Forwarded-For. Per-address limits use the entry the
# outermost trusted proxy added; with none (the default) the header is the client's own word and
# is ignored: REMOTE_ADDR is the address. DRF's throttles, the forms that reuse them and
# allauth's limits all read this one number.
INNEXAR_TRUSTED_PROXY_COUNT = env_int("INNEXAR_TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = INNEXAR_TRUSTED_PROXY_COUNT

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Innexar <no-reply@innexar.app>")
# The platform's own mail domains (its staff's): tenant signup and invitations refuse every
# address there alike, so their answer never reveals which of them is a staff account.
INNEXAR_PLATFORM_EMAIL_DOMAINS = env_list(
    "INNEXAR_PLATFORM_EMAIL_DOMAINS",
    sorted({parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower(), INNEXAR_BASE_DOMAIN} - {""}),
)

# --- Security headers (docs/security.md) ---------------------------------------------
# Django's defaults already send X-Content-Type-Options: nosniff, Referrer-Policy: same-origin,
# Cross-Origin-Opener-Policy: same-origin and (XFrameOptionsMiddleware) X-Frame-Options: DENY.
# The policy allows no inline script and no inline style: the pages load their own static files;
# the standalone 500 page and Swagger UI mark their one <style> with the request's nonce.
_WORKSPACES = f"{INNEXAR_SCHEME}://*.{INNEXAR_BASE_DOMAIN}:*"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Signing up on the marketing site ends on the new workspace's host (a redirect after the post).
        "form-action": [SELF, _WORKSPACES],
    },
}
PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    )
}
if INNEXAR_SCHEME == "https":
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = INNEXAR_SCHEME == "https"
CSRF_COOKIE_SECURE = INNEXAR_SCHEME == "https"
# Behind the TLS-terminating load balancer, request.is_secure() and every absolute URL we build
# (a list's `next`, links in mails) come from the proxy's X-Forwarded-Proto. Only trust it when a
# proxy that sets it stands in front: by default, when the public scheme is https.
if env_bool("INNEXAR_BEHIND_TLS_PROXY", INNEXAR_SCHEME == "https"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lists count matching rows exactly up to this many, then use the planner's estimate
# (modules/core/pagination.py says why).
INNEXAR_EXACT_COUNT_LIMIT = env_int("INNEXAR_EXACT_COUNT_LIMIT", 10_000, minimum=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["modules.accounts.authentication.TenantJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["modules.accounts.permissions.IsTenantMember"],
    "DEFAULT_PAGINATION_CLASS": "modules.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Ordering is each FilterSet's StableOrderingFilter, naming the fields it allows: DRF's
    # OrderingFilter as a default would let any view that forgets sort by any (unindexed) field.
    "DEFAULT_FILTER_BACKENDS": ["modules.core.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "modules.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "modules.core.exceptions.api_exception_handler",
    "NUM_PROXIES": INNEXAR_TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": ["modules.accounts.throttles.TenantThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "login_ip": env_str("INNEXAR_LOGIN_RATE_IP", "60/min"),
        "login_account": env_str("INNEXAR_LOGIN_RATE_ACCOUNT", "5/min"),
        "password_reset": env_str("INNEXAR_PASSWORD_RESET_RATE", "5/hour"),
        "signup": env_str("INNEXAR_SIGNUP_RATE", "20/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["modules.core.renderers.JSONRenderer"],
    # JSON, as the contract says; an upload names its multipart parser on its own view.
    "DEFAULT_PARSER_CLASSES": ["modules.core.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The plan gate core's ServiceViewSet adds to every module's endpoints (core cannot import tenancy).
INNEXAR_FEATURE_GATE = "modules.tenancy.permissions.requires_feature"
# API requests a minute one workspace may make, all its users and integrations together.
INNEXAR_TENANT_API_RATE = env_int("INNEXAR_TENANT_API_RATE", 3000, minimum=1)
# Fernet keys for secrets kept at rest (core/secrets.py): the first encrypts, all decrypt.
INNEXAR_ENCRYPTION_KEYS = env_list("INNEXAR_ENCRYPTION_KEYS", [])

# Payments (modules/invoicing): where the official Stripe library sends its calls (tests point it
# at a local fake), the secret of the platform's Connect endpoint on the public host (empty: none),
# how long a customer's pay link opens, and whether a workspace without Stripe keys gets the
# sandbox card payment (development only by default: it marks an invoice paid without money).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 20, minimum=1)
STRIPE_CONNECT_WEBHOOK_SECRET = env_str("STRIPE_CONNECT_WEBHOOK_SECRET")
INNEXAR_PAY_LINK_DAYS = env_int("INNEXAR_PAY_LINK_DAYS", 120, minimum=1)
INNEXAR_PAYMENTS_SANDBOX = env_bool("INNEXAR_PAYMENTS_SANDBOX", DEVELOPMENT)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "CHECK_REVOKE_TOKEN": True,
    "SIGNING_KEY": env_str("INNEXAR_JWT_SIGNING_KEY") or SECRET_KEY,
    "TOKEN_REFRESH_SERIALIZER": "modules.accounts.tokens.TenantTokenRefreshSerializer",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Innexar API",
    "DESCRIPTION": "Business management for small companies: CRM, finance, invoicing and more.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Request bodies get components of their own: an upload is binary there, a URL when read.
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, whichever model or serializer uses it. Each module's own come from
    # its descriptor (modules/workspace/registry.py), added when the apps are ready.
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "modules.core.money.Currency",
        "ImportStatusEnum": "modules.core.models.ImportStatus",
        "CompanyFiscalDocumentEnum": "modules.tenancy.models.FiscalDocument",
        "CompanyCountryEnum": "modules.tenancy.models.Country",
    },
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
# No broker configured: tasks run in-process (the test suite, a lone `manage.py` command); `make
# run` always has one, its embedded Redis at least. Celery is given the in-memory transport rather
# than a default AMQP host it would warn about.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost//"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A task is acknowledged once it has run, so a worker killed mid-task (a deploy, the OOM killer)
# leaves it to another worker; tasks are written to be run twice. Each takes one message at a
# time, and one stuck on a provider is stopped rather than holding its worker for ever.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("INNEXAR_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
TASK_LANES = ("imports", "webhooks", "providers")
# Lanes (innexar/celery.py routes tasks by name): slow imports and provider calls wait in queues of
# their own, so a stalled provider never starves the rest. A worker started without `-Q` takes all
# of them; production runs one per lane (docs/deploy.md). Tests give their worker its own prefix.
CELERY_TASK_DEFAULT_QUEUE = env_str("INNEXAR_QUEUE_PREFIX", "innexar")
CELERY_TASK_QUEUES = [
    Queue(name) for name in (CELERY_TASK_DEFAULT_QUEUE, *(f"{CELERY_TASK_DEFAULT_QUEUE}.{lane}" for lane in TASK_LANES))
]
CELERY_TASK_ROUTES = ("innexar.celery.route_by_lane",)
# Beat's record of when each entry last ran (`make run` keeps it under .data/).
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", "celerybeat-schedule")
# The platform's own entries; each business module's come from its descriptor (innexar/celery.py).
CELERY_BEAT_SCHEDULE = {
    "replenish-spare-schemas": {"task": "tenancy.replenish_spare_schemas", "schedule": 300.0},
    "purge-outbox": {"task": "events.outbox_purge_all", "schedule": crontab(hour=4, minute=15)},
    "relay-outbox": {"task": "events.outbox_relay_all", "schedule": 30.0},
    "sweep-import-jobs": {"task": "workspace.import_jobs_sweep_all", "schedule": 300.0},
}
# Days a dispatched event (and the personal data in its payload) is kept (modules/events).
INNEXAR_OUTBOX_RETENTION_DAYS = env_int("INNEXAR_OUTBOX_RETENTION_DAYS", 30, minimum=1)
# Outgoing webhooks may reach loopback, private and link-local addresses only in development
# and tests (a receiver on this machine); in production such a URL is refused (SSRF).
INNEXAR_WEBHOOKS_ALLOW_PRIVATE = env_bool("INNEXAR_WEBHOOKS_ALLOW_PRIVATE", DEVELOPMENT)
# The first retry's wait; each later one waits three times the one before (8 tries in ~18 h).
INNEXAR_WEBHOOKS_RETRY_BASE_SECONDS = env_int("INNEXAR_WEBHOOKS_RETRY_BASE_SECONDS", 60, minimum=0)

# --- Bank feeds ----------------------------------------------------------------------------------
# Plaid (modules/finance/feeds/plaid.py); without credentials the sandbox feed stands in for it.
PLAID_CLIENT_ID = env_str("PLAID_CLIENT_ID")
PLAID_SECRET = env_str("PLAID_SECRET")
PLAID_ENV = env_choice("PLAID_ENV", ["sandbox", "production"], "sandbox")
PLAID_BASE_URL = env_str("PLAID_BASE_URL") or f"https://{PLAID_ENV}.plaid.com"
PLAID_CLIENT_NAME = env_str("PLAID_CLIENT_NAME", "Innexar")
PLAID_COUNTRY_CODES = env_list("PLAID_COUNTRY_CODES", ["US"])

# Integrations (modules/integrations): the platform's Intuit app, and where intuit-oauth and
# python-quickbooks send their calls (tests point both at a local fake): Intuit's OpenID discovery
# document names the OAuth endpoints; the QBO v3 API's base; the Item a pushed invoice's line
# books to. WhatsApp: the Graph API's base (with its version) and the reminder's template.
QUICKBOOKS_CLIENT_ID = env_str("QUICKBOOKS_CLIENT_ID")
QUICKBOOKS_CLIENT_SECRET = env_str("QUICKBOOKS_CLIENT_SECRET")
QUICKBOOKS_DISCOVERY_URL = env_str(
    "QUICKBOOKS_DISCOVERY_URL", "https://developer.intuit.com/.well-known/openid_configuration/"
)
QUICKBOOKS_API_BASE = env_str("QUICKBOOKS_API_BASE", "https://quickbooks.api.intuit.com/v3")
QUICKBOOKS_ITEM_ID = env_str("QUICKBOOKS_ITEM_ID", "1")
QUICKBOOKS_STATE_SECONDS = env_int("QUICKBOOKS_STATE_SECONDS", 600, minimum=60)
WHATSAPP_GRAPH_BASE = env_str("WHATSAPP_GRAPH_BASE", "https://graph.facebook.com/v21.0")
WHATSAPP_REMINDER_TEMPLATE = env_str("WHATSAPP_REMINDER_TEMPLATE", "payment_reminder")
# Offline WhatsApp (development by default): any token connects, messages are accepted locally.
WHATSAPP_SANDBOX = env_bool("WHATSAPP_SANDBOX", DEVELOPMENT)

# --- i18n ------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each language by its own name, the same in every picker whatever language the page is in.
LANGUAGES = [("en", "English"), ("pt-br", "Português (Brasil)"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language picked on innexar.app follows the visitor to acme.innexar.app: a preference, not a
# credential (sessions stay on their own host). Browsers refuse a cookie for all of "localhost",
# so in development each host keeps its own.
LANGUAGE_COOKIE_DOMAIN = f".{INNEXAR_BASE_DOMAIN}" if "." in INNEXAR_BASE_DOMAIN else None
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# Our date and number formats where Django's differ (English "3:20 AM", Latin American Spanish);
# pages pick them by language and company country (core.l10n).
FORMAT_MODULE_PATH = ["innexar.formats"]

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from package.json; only their built files are served.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/sortablejs", BASE_DIR / "node_modules" / "sortablejs"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/frappe-gantt", BASE_DIR / "node_modules" / "frappe-gantt" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/flags", BASE_DIR / "node_modules" / "flag-icons" / "flags" / "4x3"),
    # The accessibility checker the browser tests run in each page (tests/e2e/test_accessibility_browser.py).
    ("vendor/axe-core", BASE_DIR / "node_modules" / "axe-core"),
]
MEDIA_URL = "/media/"
INNEXAR_FILE_LINK_SECONDS = env_int("INNEXAR_FILE_LINK_SECONDS", 3600, minimum=1)
MEDIA_ROOT = Path(env_str("INNEXAR_MEDIA_ROOT", str(BASE_DIR / "media")))
# Tenants' files: on disk under MEDIA_ROOT, or any Django storage (an S3-compatible bucket through
# django-storages: INNEXAR_FILE_STORAGE=storages.backends.s3.S3Storage and its AWS_* settings).
# They are never served from MEDIA_URL: pages and the API hand out signed links (core/files.py).
STORAGES = {
    "default": {"BACKEND": env_str("INNEXAR_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Every line carries the request id and the schema (modules/core/logs.py), in the web process and
# in the worker alike; `json` gives one object a line for log collectors.
LOG_FIELDS = "%(asctime)s %(levelname)s [%(request_id)s %(schema)s] %(name)s: %(message)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "modules.core.logs.ContextFilter"}},
    "formatters": {
        "text": {"format": LOG_FIELDS},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(request_id)s %(schema)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": env_choice("INNEXAR_LOG_FORMAT", ["text", "json"], "text"),
        },
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    # One INFO line per request (method, path, status, duration), whatever the root level says.
    "loggers": {"innexar.request": {"level": "INFO" if env_bool("INNEXAR_ACCESS_LOG", True) else "WARNING"}},
}
