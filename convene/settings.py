"""Convene's one settings module.

Everything that differs between a laptop and production comes from the environment, with a safe
default for a laptop: SQLite in ``var/``, e-mail printed to the console, Huey on SQLite.
``CONVENE_ENV=production`` turns on the HTTPS-only settings that ``check --deploy`` asks for.
"""

import os
import socket
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CONVENE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


CONVENE_ENV = os.environ.get("CONVENE_ENV", "local")
# pytest (8.2 and later) sets PYTEST_VERSION for the run and its xdist workers.
TESTING = env_bool("CONVENE_TESTING") or "PYTEST_VERSION" in os.environ
PRODUCTION = CONVENE_ENV == "production"
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when CONVENE_ENV=production")
    # A laptop keeps one random key in var/ so sessions survive a restart of `make run`.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        # Several processes may start at once (web workers, Huey consumers): the key is written to a
        # file of this process's own and linked into place, which fails if another got there first,
        # so nobody ever reads a half-written (empty) key.
        mine = key_file.with_name(f"secret_key.{os.getpid()}")
        mine.write_text(secrets.token_urlsafe(50))
        mine.chmod(0o600)
        try:
            os.link(mine, key_file)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_countries",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "convene.core",
    "convene.people",
    "convene.governance",
    "convene.groups",
    "convene.plans",
    "convene.results",
    "convene.meetings",
    "convene.events",
    "convene.reports",
    "convene.library",
    "convene.datacall",
    "convene.advocacy",
    "convene.mailing",
    "anymail",
    "convene.comms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for members on slow mobile links. Early, so it compresses what every middleware
    # below has finished writing; after WhiteNoise, which serves its own pre-compressed static files.
    # BREACH (compressed secrets guessed from response sizes) does not apply to the CSRF token:
    # Django masks it afresh in every response, so no two pages carry the same bytes for it.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "convene.core.middleware.PersonPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # MFA for the secretariat on every page; rate limits on /api/ (convene/core/security.py).
    "convene.core.middleware.AccountSafeguardsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as its documentation asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "convene.urls"
WSGI_APPLICATION = "convene.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "convene" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "convene.core.context_processors.convene",
                "convene.datacall.nav.context_processor",
            ],
        },
    },
]

# --- Storage -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'convene.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids lock upgrades that
    # fail with "database is locked" under concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Source maps are megabytes that nobody on a slow link downloads; compressing them at brotli's
# highest level took most of collectstatic's minute.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "3gp",
    "3gpp",
    "asf",
    "avi",
    "m4v",
    "mov",
    "mp4",
    "mpeg",
    "mpg",
    "webm",
    "wmv",
    "map",
]

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING or env_bool("CONVENE_FAST_HASHER"):
    # Tests and the demo builder hash many passwords; production keeps Django's defaults.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "convene.people.adapters.AccountAdapter"
ACCOUNT_SIGNUP_REDIRECT_URL = "people:profile_edit"
# allauth's own limits and django-axes work together (AccountAdapter.pre_authenticate asks axes
# first): axes locks an account+address after AXES_FAILURE_LIMIT failures and shows the lockout
# page; allauth's per-address limit stops one address from spraying passwords over many accounts,
# and its per-account limit is looser than axes' so that it only bites when axes is switched off.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,10/15m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Convene"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: fifteen minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "convene.people.adapters.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Rendered inside base.html, translatable, with status 429 (axes' default).
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# Behind n reverse proxies, the client's address is the n-th from the right in X-Forwarded-For.
# allauth's rate limits and axes (through allauth's adapter) read it the same way; 0 on a laptop
# or without a proxy: REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("CONVENE_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "convene.people.adapters.client_ip"

# A secretariat member without an authenticator app is sent to set one up from every page, and
# their API calls are refused. On in production; tests turn it on with the `settings` fixture.
CONVENE_REQUIRE_MFA_FOR_SECRETARIAT = env_bool(
    "CONVENE_REQUIRE_MFA_FOR_SECRETARIAT", PRODUCTION and not TESTING
)
# API calls allowed per minute (fixed window, in CACHES) per token or account, and per client address.
CONVENE_API_RATE_PER_MINUTE = int(os.environ.get("CONVENE_API_RATE_PER_MINUTE", "120"))
CONVENE_API_RATE_PER_ADDRESS = int(os.environ.get("CONVENE_API_RATE_PER_ADDRESS", "600"))

# Separation of duties: whoever recorded a value (a measurement) may not approve it themselves;
# another co-chair (or the secretariat) does. Set to false for a group run by one person.
CONVENE_SEPARATE_RECORD_AND_APPROVE = env_bool("CONVENE_SEPARATE_RECORD_AND_APPROVE", True)
# Whether a confirmed sign-up becomes a member at once or waits for the secretariat.
CONVENE_MEMBERSHIP_APPROVAL = env_bool("CONVENE_MEMBERSHIP_APPROVAL", False)
CONVENE_NETWORK_NAME = os.environ.get("CONVENE_NETWORK_NAME", "Convene demo network")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{CONVENE_NETWORK_NAME}] "
# The currency the network reports budgets in (ISO 4217); plans store their own rates to it.
CONVENE_CURRENCY = os.environ.get("CONVENE_CURRENCY", "USD")
# A freed place of a full event is offered to the next person of its waiting list for this many hours.
CONVENE_EVENT_OFFER_HOURS = int(os.environ.get("CONVENE_EVENT_OFFER_HOURS", "48"))
# Figures that cost seconds at a network's scale (the committee's dashboard) are kept in each
# process until what they rest on changes (core.generations). Off in the tests, whose transactions
# never commit; the tests of the mechanism turn it on.
CONVENE_KEEP_COPIES = env_bool("CONVENE_KEEP_COPIES", not TESTING)
# How often each process reads those copies' generations again (0: at every request). A change made
# in another process shows this many seconds later at most; in the same process at once.
CONVENE_GENERATION_RECHECK_SECONDS = float(os.environ.get("CONVENE_GENERATION_RECHECK_SECONDS", "1"))
# An indicator is on track when its actual is within this share of its target (issue 5: 85–115 %).
CONVENE_ON_TRACK_LOW = float(os.environ.get("CONVENE_ON_TRACK_LOW", "0.85"))
CONVENE_ON_TRACK_HIGH = float(os.environ.get("CONVENE_ON_TRACK_HIGH", "1.15"))
# The network's IATI organisation identifier and type (IATI OrganisationType: 21 international NGO),
# for the IATI export of results; "XM-" is IATI's prefix for identifiers outside its registry.
CONVENE_IATI_ORG_REF = os.environ.get("CONVENE_IATI_ORG_REF", "XM-CONVENE")
CONVENE_IATI_ORG_TYPE = os.environ.get("CONVENE_IATI_ORG_TYPE", "21")
# The sector a plan reports when none of its group's topics has a DAC code (back office, Topics): an
# OECD DAC 5-digit purpose code such as 16010 (social protection) or 12220 (basic health care).
# Empty by default: the export then states no sector rather than a guessed one.
CONVENE_IATI_SECTOR = os.environ.get("CONVENE_IATI_SECTOR", "")


def serve_base_url(environ) -> str:
    """Where links in e-mails point to: ``CONVENE_BASE_URL`` if set, else where ``convene serve`` binds.

    ``convene serve`` exports the host and port it binds (``CONVENE_SERVE_HOST``/``CONVENE_SERVE_PORT``)
    to the web and worker processes, so a demo on another port sends links that open. A wildcard bind
    (0.0.0.0, ::) is reached through the machine's name, not through the wildcard.
    """
    explicit = environ.get("CONVENE_BASE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    host = environ.get("CONVENE_SERVE_HOST", "").strip() or "127.0.0.1"
    port = environ.get("CONVENE_SERVE_PORT", "").strip() or "8000"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 - a bind address read, not bound here
        host = socket.getfqdn()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}" if port == "80" else f"http://{host}:{port}"


# Where links in e-mails point to (a page with a request at hand uses the request's own address).
CONVENE_BASE_URL = serve_base_url(os.environ)

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("da", _("Danish")),
]
LOCALE_PATHS = [BASE_DIR / "convene" / "locale"]
# Dates with the month as a word in each language, never "09/01/2025" (convene/formats/).
FORMAT_MODULE_PATH = "convene.formats"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Background work ---------------------------------------------------------------------------
# How long a worker may hold an e-mail it claimed (convene/groups/tasks.py) before the periodic sweep
# takes it as lost with a dead worker and sends it again. Longer than any one send (EMAIL_TIMEOUT).
CONVENE_DELIVERY_LEASE_SECONDS = int(os.environ.get("CONVENE_DELIVERY_LEASE_SECONDS", "300"))
if os.environ.get("HUEY_REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        # One queue per name: installations (or test runs) sharing a Redis keep apart by name.
        "name": os.environ.get("HUEY_NAME", "convene"),
        "url": os.environ["HUEY_REDIS_URL"],
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "convene",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING or env_bool("HUEY_IMMEDIATE", False),
    }

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent mail server is given up on: a send that hangs would hold its delivery
# past its lease (CONVENE_DELIVERY_LEASE_SECONDS), and the sweep would then send it a second time.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Convene <convene@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Bulk mail and the inbound receiver (convene/mailing): the domain of the VERP return path and the
# reply-by-e-mail addresses (empty: no Reply-To on thread mails), the sending rate, and bounce scoring.
MAILING_DOMAIN = os.environ.get("MAILING_DOMAIN", "")
MAILING_RATE_PER_SECOND = float(os.environ.get("MAILING_RATE_PER_SECOND", "50"))
MAILING_BATCH_SIZE = int(os.environ.get("MAILING_BATCH_SIZE", "200"))
MAILING_BOUNCE_THRESHOLD = float(os.environ.get("MAILING_BOUNCE_THRESHOLD", "5"))
MAILING_BOUNCE_STALE_DAYS = int(os.environ.get("MAILING_BOUNCE_STALE_DAYS", "7"))
# Sending through a provider (django-anymail): EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend
# (postmark, sendgrid, mailgun, amazon_ses…) and its settings as ANYMAIL_<NAME> variables, e.g.
# ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_MAILGUN_API_KEY, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY. The
# providers' bounce and complaint webhooks (/mailing/anymail/<provider>/tracking/) answer only when
# ANYMAIL_WEBHOOK_SECRET ("user:password", given to the provider in the webhook's URL) is set.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}


DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CONVENE_IMPORT_MAX_BYTES = int(os.environ.get("CONVENE_IMPORT_MAX_BYTES", 10 * 1024 * 1024))
CONVENE_IMPORT_MAX_ROWS = int(os.environ.get("CONVENE_IMPORT_MAX_ROWS", "50000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "convene": {"level": os.environ.get("CONVENE_LOG_LEVEL", "INFO")},
        # The Huey consumer prints through a handler of its own; don't print each line twice.
        "huey": {"propagate": False},
    },
}
