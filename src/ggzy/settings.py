"""One settings module, driven by environment variables. Every variable ggzy reads, with
its default (a flag is on for 1, true, yes or on):

Where things live
  DATABASE_URL      sqlite:///PATH or postgres://…; default: the SQLite file var/ggzy.sqlite3
  GGZY_VAR_DIR      the default database, the secret key, collected static files and
                    screenshots; default <repo>/var
  GGZY_INSTANCE_DIR this database's own files (platform key and seal, development CA,
                    stored files, demo keys); default var/instances/<database>
                    (core/instance.py)
  GGZY_DB_POOL_SIZE PostgreSQL only: the most connections in the pool; default 20
  GGZY_TEST_DB      the name of the test database on PostgreSQL, so several test runs can
                    share one server; default Django's (test_<name>)
  REDIS_URL         the Channels layer on Redis, for more than one server process; default
                    the in-memory layer (one process)

Security
  GGZY_SECRET_KEY   Django's secret key (sessions, signed page keys, OCDS pseudonyms);
                    default a random key made once and kept in var/secret_key
  GGZY_DEBUG        Django's debug mode; default off
  GGZY_ALLOWED_HOSTS  host names served, comma-separated; default 127.0.0.1,localhost,testserver
  GGZY_CSRF_TRUSTED_ORIGINS  origins trusted for CSRF (https://ggzy.example),
                    comma-separated; default none
  GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT  failed logins that lock an account, from any
                    addresses; default 5 (GGZY_LOGIN_FAILURE_LIMIT, its former name, is still read)
  GGZY_LOGIN_ADDRESS_FAILURE_LIMIT  failed logins that lock an address, to any accounts;
                    default 20 (offices behind one address share it)
  GGZY_LOGIN_COOLOFF_MINUTES  how long a failed login counts, so when a lock ends by itself;
                    default 30. An administrator releases a lock sooner: the admin's 登录失败记录
                    page, or `ggzy unlock --user NAME | --ip ADDRESS` (both in the ledger)
  GGZY_CRYPTO_SUITE "gm" (SM2/SM3/SM4) or "intl" (P-256/SHA-256/AES-256-GCM); default gm
  GGZY_TRUSTED_CA_FILES  extra trusted root CA certificates (PEM files), comma-separated;
                    default none
  GGZY_TRUST_DEV_CA also trust the development CA that `ggzy ca issue` runs; default on (turn
                    it off in production)

The platform
  GGZY_PLATFORM_NAME     the Chinese name: pages' header, the admin, the electronic seal,
                         open data; default 湖南省公共资源交易平台
  GGZY_PLATFORM_NAME_EN  the English name; default Hunan Public Resource Trading Platform
  GGZY_OCID_PREFIX       the OCDS ocid prefix; default ocds-ggzy00 (unregistered data)
  GGZY_TRADE_SYSTEM_CODE the trading system's number in the national data exchange
                         (交易系统编号, data-spec dataset 501); default empty
  GGZY_UPLOAD_MAX_BYTES  the largest uploaded file (certificate scans, Excel imports, bank
                         statements); default 10485760 (10 MiB)
  GGZY_BID_MAX_BYTES     the largest sealed bid file; default 4294967296 (4 GiB)
  GGZY_QUALIFICATION_WARNING_DAYS  warn an entity this many days before a qualification
                         expires; default 30
  GGZY_CALENDAR_PROVISIONAL_YEARS  years past this one that the provisional working-day
                         calendar covers (临时工作日历); default 3

The file store (docs/storage.md): every stored file goes through Django's storage API under a
name relative to its root:
  GGZY_STORAGE   "local" (default): the instance directory's files/ (MEDIA_ROOT);
                 "s3": any S3-compatible store through django-storages, set by
  GGZY_S3_BUCKET       the bucket (required with s3)
  GGZY_S3_ENDPOINT_URL the store's URL (MinIO, Ceph, a cloud's S3 service); default AWS
  GGZY_S3_ACCESS_KEY, GGZY_S3_SECRET_KEY  credentials; default boto3's own chain (environment,
                 instance role)
  GGZY_S3_REGION       the region name, e.g. cn-north-1
  GGZY_S3_PREFIX       a key prefix, so several platforms may share a bucket; default none
  GGZY_S3_ADDRESSING_STYLE  "path" or "virtual"; default path with an endpoint URL, else auto
  GGZY_UPLOAD_DIR  where bids being uploaded in chunks wait until they are complete (a local
                 directory, also with s3: share it, or route an upload's chunks to one machine);
                 default the instance directory's uploads/
  GGZY_STORE_STREAMS  how many completed bids one process streams into the store at once
                 (each holds a few 8 MiB parts in memory on S3); default 4

Time and the worker
  GGZY_CLOCK_OFFSET_SECONDS  run the platform clock this far ahead of (or behind) the wall
                    clock: a sandbox, or the test suite started at another date; default 0;
                    never set in production
  GGZY_WORKER_INTERVAL  seconds between two ticks of the scheduler loop (`ggzy worker`, and
                    the loop inside `ggzy serve`); default 5
  GGZY_LOG_LEVEL    the level of the ggzy loggers; default INFO
  GGZY_OUTBOX_DELIVER_ON_COMMIT  deliver outbox messages (notifications) as soon as their
                    transaction commits, in the committing process; default on. Off, or
                    failing, the worker delivers them within a tick (core/outbox.py)
  GGZY_NOTIFY_PROVIDERS  how drawn experts are notified, comma-separated: "in_app", "log",
                    or the dotted path of a provider (an SMS gateway's adapter); default
                    in_app,log

Read elsewhere (commands, the bidder's tools, the test suite)
  GGZY_ADMIN_PASSWORD    `ggzy createadmin`: the password when --password is not given;
                         default: asked for
  GGZY_TOKEN             `ggzy bid …`: the API token when --token is not given; default none
  GGZY_CREATOR_ID_FILE   the bidder's tools: where this machine's random creator id (recorded
                         in a bid's fingerprint) is kept; default ~/.config/ggzy/creator-id
  GGZY_TEST_START        the test suite (tests/conftest.py): the date or moment its clock
                         starts; default today at 09:00 in Beijing

Settings no environment variable sets (change them in a settings module that imports this
one): GGZY_CANDIDATE_SCORES_PUBLIC (below), and GGZY_OTHER_RIGHTS
(auctions/trade_types.py).
"""

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from ggzy.kernel import clock

if _offset := os.environ.get("GGZY_CLOCK_OFFSET_SECONDS"):
    clock.set_clock(clock.SystemClock(timedelta(seconds=float(_offset))))

SRC_DIR = Path(__file__).resolve().parent
REPO_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GGZY_VAR_DIR") or REPO_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use GGZY_SECRET_KEY, else a random key kept under var/ so restarts keep sessions."""
    if key := os.environ.get("GGZY_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("GGZY_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("GGZY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GGZY_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "channels",
    "ggzy.core",
    "ggzy.workcalendar",
    "ggzy.accounts",
    "ggzy.entities",
    "ggzy.catalogue",
    "ggzy.experts",
    "ggzy.tendering",
    "ggzy.deposits",
    "ggzy.evaluation",
    "ggzy.awards",
    "ggzy.disclosure",
    "ggzy.portal",
    "ggzy.auctions",
    "ggzy.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ggzy.core.http.DomainErrorMiddleware",
    "ggzy.accounts.middleware.RequireSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ggzy.urls"
ASGI_APPLICATION = "ggzy.asgi.application"
WSGI_APPLICATION = "ggzy.wsgi.application"

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
                "ggzy.web.context.platform",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'ggzy.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "ggzy.core.sqlite"  # writers queue in-process
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the lock at BEGIN, so the read-then-append
        # of the ledger head cannot race between two connections.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # FULL: a commit returns after the WAL is on disk, so an acknowledged bid or
        # ledger entry survives a power cut (NORMAL would survive only a process crash).
        "init_command": "PRAGMA synchronous=FULL;",
    }
    # Keep each thread's connection: opening one (and its PRAGMAs) costs more than most
    # queries, and the hall's WebSocket handlers reach the database on executor threads.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI every request runs on a thread of its own, so per-thread persistent
    # connections would pile up past max_connections; a pool bounds them instead.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 2,
            "max_size": int(os.environ.get("GGZY_DB_POOL_SIZE", "20")),
            "timeout": 30,
        }
    }
if test_db := os.environ.get("GGZY_TEST_DB"):
    # Lets several test runs share one PostgreSQL server without clashing.
    DATABASES["default"]["TEST"] = {"NAME": test_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:workspace"
LOGOUT_REDIRECT_URL = "web:home"
# Login lockout (accounts/lockout.py): an account after N failures from any addresses, an
# address after M failures to any accounts; each lock ends after the cool-off or when an
# administrator releases it.
GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT = int(
    os.environ.get("GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT")
    or os.environ.get("GGZY_LOGIN_FAILURE_LIMIT")
    or "5"
)
GGZY_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("GGZY_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "ggzy.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_FAILURE_LIMIT = GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT  # the handler scales the address's
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("GGZY_LOGIN_COOLOFF_MINUTES", "30")))
# A locked login is refused without counting, so a lock ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "ggzy.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "ggzy"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"


def _instance_name(database: Mapping[str, Any]) -> str:
    """A directory name per database: ``sqlite-<file>`` or ``pg-<host>-<port>-<name>``."""
    if "sqlite" in str(database["ENGINE"]):
        name = f"sqlite-{Path(str(database['NAME'])).stem}"
    else:
        parts = (database.get("HOST") or "local", database.get("PORT"), database["NAME"])
        name = "pg-" + "-".join(str(p) for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


# What is kept beside the database belongs to it: one directory per database
# (core/instance.py stamps it with the database's identity).
GGZY_INSTANCE_NAME = _instance_name(DATABASES["default"])
GGZY_INSTANCE_DIR = os.environ.get("GGZY_INSTANCE_DIR") or None
_INSTANCE = Path(GGZY_INSTANCE_DIR or VAR_DIR / "instances" / GGZY_INSTANCE_NAME)
MEDIA_ROOT = _INSTANCE / "files"
GGZY_UPLOAD_DIR = Path(os.environ.get("GGZY_UPLOAD_DIR") or _INSTANCE / "uploads")
GGZY_STORE_STREAMS = int(os.environ.get("GGZY_STORE_STREAMS", "4"))
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024


def s3_options(env: Mapping[str, str]) -> dict[str, Any]:
    """django-storages' S3 backend from GGZY_S3_* in ``env``: objects are never overwritten
    (a stored record keeps its name), and both directions stream with bounded memory: writes
    go up in 8 MiB parts, at most four in memory; reads spill to a temporary file past 4 MiB,
    at most 64 pieces of 256 KiB queued for the disk."""
    from boto3.s3.transfer import TransferConfig

    bucket = env.get("GGZY_S3_BUCKET")
    if not bucket:
        raise RuntimeError("GGZY_STORAGE=s3 needs GGZY_S3_BUCKET")
    endpoint = env.get("GGZY_S3_ENDPOINT_URL") or None
    transfer = TransferConfig(
        multipart_threshold=8 * 1024 * 1024,
        multipart_chunksize=8 * 1024 * 1024,
        max_concurrency=4,
        max_io_queue=64,
    )
    transfer.max_in_memory_upload_chunks = 4
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": env.get("GGZY_S3_ACCESS_KEY") or None,
        "secret_key": env.get("GGZY_S3_SECRET_KEY") or None,
        "region_name": env.get("GGZY_S3_REGION") or None,
        "location": env.get("GGZY_S3_PREFIX", "").strip("/"),
        "addressing_style": env.get("GGZY_S3_ADDRESSING_STYLE") or ("path" if endpoint else None),
        "file_overwrite": False,
        "querystring_auth": True,
        "max_memory_size": 4 * 1024 * 1024,
        "transfer_config": transfer,
    }


GGZY_STORAGE = os.environ.get("GGZY_STORAGE", "local").strip().lower()
if GGZY_STORAGE not in {"local", "s3"}:
    raise RuntimeError(f"GGZY_STORAGE must be local or s3, not {GGZY_STORAGE!r}")
STORAGES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(os.environ)}
        if GGZY_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- channels -------------------------------------------------------------------------
if redis_url := os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "ggzy": {"handlers": ["console"], "level": os.environ.get("GGZY_LOG_LEVEL", "INFO")},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}

# --- ggzy -----------------------------------------------------------------------------
GGZY_PLATFORM_NAME = os.environ.get("GGZY_PLATFORM_NAME", "湖南省公共资源交易平台")
GGZY_PLATFORM_NAME_EN = os.environ.get(
    "GGZY_PLATFORM_NAME_EN", "Hunan Public Resource Trading Platform"
)
GGZY_CRYPTO_SUITE = os.environ.get("GGZY_CRYPTO_SUITE", "gm")
GGZY_CA_DIR = _INSTANCE / "ca"
# Extra trusted root CA certificates (PEM files), e.g. the CAs of the provincial
# mutual-recognition platform (CA数字证书互认平台). The development CA under var/ca/ is
# trusted only when GGZY_TRUST_DEV_CA is on (the default outside production).
GGZY_TRUSTED_CA_FILES = [p for p in os.environ.get("GGZY_TRUSTED_CA_FILES", "").split(",") if p]
GGZY_TRUST_DEV_CA = _env_bool("GGZY_TRUST_DEV_CA", True)
GGZY_UPLOAD_MAX_BYTES = int(os.environ.get("GGZY_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
GGZY_WORKER_INTERVAL = float(os.environ.get("GGZY_WORKER_INTERVAL", "5"))
GGZY_NOTIFY_PROVIDERS = tuple(
    p.strip() for p in os.environ.get("GGZY_NOTIFY_PROVIDERS", "in_app,log").split(",") if p.strip()
)
GGZY_OUTBOX_DELIVER_ON_COMMIT = _env_bool("GGZY_OUTBOX_DELIVER_ON_COMMIT", True)
GGZY_QUALIFICATION_WARNING_DAYS = int(os.environ.get("GGZY_QUALIFICATION_WARNING_DAYS", "30"))
# How many years past this one the provisional working-day calendar covers (临时工作日历): a
# year with no official holiday schedule yet is counted conservatively; beyond it, an error.
GGZY_CALENDAR_PROVISIONAL_YEARS = int(os.environ.get("GGZY_CALENDAR_PROVISIONAL_YEARS", "3"))
GGZY_BID_MAX_BYTES = int(os.environ.get("GGZY_BID_MAX_BYTES", str(4 * 1024**3)))

# Whether candidates' scores are published with the candidates (候选人公示是否公开得分), by
# region-code prefix: the longest matching prefix wins, "" is the default.
GGZY_CANDIDATE_SCORES_PUBLIC = {"": True}

# The OCDS identifier prefix (ocid = prefix + "-" + project code). Register a real one with
# the Open Contracting Partnership for production; "ocds-ggzy00" marks unregistered data.
GGZY_OCID_PREFIX = os.environ.get("GGZY_OCID_PREFIX", "ocds-ggzy00")

# The trading system's number in the national data exchange (交易系统编号, dataset 501).
GGZY_TRADE_SYSTEM_CODE = os.environ.get("GGZY_TRADE_SYSTEM_CODE", "")
