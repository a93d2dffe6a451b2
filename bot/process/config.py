"""The process's configuration, read once at the edge: environment, `*_FILE` secrets, `.env`.

Every setting has one field here and is passed inward from the runtime; nothing deeper reads
the environment. Secrets are `SecretStr`: masked in reprs, in `briefing-bot config`, and in
the errors a wrong value raises (pydantic's messages never carry the input here).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from handlers.clock import parse_moment
from handlers.i18n import ENGLISH, LANGUAGES, supported

LogFormat = Literal["human", "json"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

_TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# What each secret must look like, and the message (naming the variable, not the value) if not.
_SECRET_SHAPES: dict[str, tuple[Callable[[str], bool], str]] = {
    "telegram_bot_token": (lambda v: bool(_TELEGRAM_TOKEN.match(v)),
                           "TELEGRAM_BOT_TOKEN must look like 123456789:AAE… (the token @BotFather gave)"),
    "telegram_webhook_secret": (lambda v: bool(_WEBHOOK_SECRET.match(v)),
                                "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"),
    "slack_bot_token": (lambda v: v.startswith("xoxb-"),
                        "SLACK_BOT_TOKEN must be the bot token, which starts with xoxb-"),
    "slack_app_token": (lambda v: v.startswith("xapp-"),
                        "SLACK_APP_TOKEN must be an app-level token, which starts with xapp-"),
    "slack_signing_secret": (lambda v: not re.search(r"\s", v),
                             "SLACK_SIGNING_SECRET must not contain spaces"),
}
_DATABASES = {"sqlite", "postgresql", "postgres"}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable, never a secret's value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _env(*names: str, default: Any = None, **kwargs: Any) -> Any:
    """A field read from the first of `names` that is set (the first is the one documented)."""
    return Field(default, validation_alias=AliasChoices(*names), **kwargs)


def _strip(value: object) -> object:
    """Values pasted into env files or read from secret files often end in a newline."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _http_url(name: str, value: str, *, https_unless_loopback: bool = False) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an http(s) URL")
    if https_unless_loopback and parts.scheme != "https" and parts.hostname not in _LOOPBACK:
        raise ValueError(f"{name} must be an https URL (Telegram delivers webhooks only over TLS)")
    return value


class Settings(BaseSettings):
    """What `briefing-bot run` needs; see `briefing-bot config` for the effective values."""

    model_config = SettingsConfigDict(
        env_prefix="BRIEFING_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
        validate_by_name=True,
        validate_default=False,
    )

    # Telegram
    telegram_bot_token: SecretStr | None = _env("TELEGRAM_BOT_TOKEN", "BRIEFING_TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = _env("TELEGRAM_API_BASE_URL", "BRIEFING_TELEGRAM_API_BASE_URL")
    telegram_webhook_url: str | None = _env("TELEGRAM_WEBHOOK_URL", "BRIEFING_TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = _env("TELEGRAM_WEBHOOK_SECRET",
                                                     "BRIEFING_TELEGRAM_WEBHOOK_SECRET")
    # Slack
    slack_bot_token: SecretStr | None = _env("SLACK_BOT_TOKEN", "BRIEFING_SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = _env("SLACK_APP_TOKEN", "BRIEFING_SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = _env("SLACK_SIGNING_SECRET", "BRIEFING_SLACK_SIGNING_SECRET")
    slack_api_base_url: str | None = _env("SLACK_API_BASE_URL", "BRIEFING_SLACK_API_BASE_URL")
    slack_admins: Annotated[frozenset[str], NoDecode] = _env(
        "BRIEFING_SLACK_ADMINS", "SLACK_ADMINS", default=frozenset())
    # Storage
    database_url: SecretStr | None = _env("DATABASE_URL", "BRIEFING_DATABASE_URL")
    data_dir: Path = _env("BRIEFING_DATA_DIR", default=Path("data"))
    # Content and time
    decks_dir: Path | None = _env("BRIEFING_DECKS_DIR")  # None: the decks inside the package
    seeds_dir: Path | None = _env("BRIEFING_SEEDS_DIR")  # None: the seeds inside the package
    deck: str | None = _env("BRIEFING_DECK")
    # How often (seconds) each replica looks whether `briefing-bot reload` asked for a reload.
    reload_poll: float = _env("BRIEFING_RELOAD_POLL", default=5.0, gt=0, le=3600)
    now: dt.datetime | None = _env("BRIEFING_NOW")
    tz: str | None = _env("BRIEFING_TZ")
    # The console's language, and readers' whose platform names none the bot speaks: en, uk or ru.
    lang: str = _env("BRIEFING_LANG", default=ENGLISH)
    # HTTP server
    host: str = _env("BRIEFING_HOST", default="0.0.0.0")  # noqa: S104 - a container must listen outside
    port: int = _env("BRIEFING_PORT", default=8080, ge=0, le=65535)
    read_timeout: float = _env("BRIEFING_READ_TIMEOUT", default=10.0, gt=0, le=300)
    connection_cap: int = _env("BRIEFING_CONNECTION_CAP", default=1000, ge=16, le=100_000)
    # Readers' requests: answered at once at most, how long one waits for a turn, how long an id is kept
    max_in_flight: int = _env("BRIEFING_MAX_IN_FLIGHT", default=32, ge=1, le=1000)
    busy_after: float = _env("BRIEFING_BUSY_AFTER", default=3.0, gt=0, le=60)
    delivery_ttl: float = _env("BRIEFING_DELIVERY_TTL", default=900.0, ge=360, le=86_400)
    # Process
    log_format: LogFormat = _env("LOG_FORMAT", "BRIEFING_LOG_FORMAT", default="human")
    log_level: LogLevel = _env("LOG_LEVEL", "BRIEFING_LOG_LEVEL", default="INFO")
    # Replicas sharing a database sign their ledger claims with distinct names (default: host name).
    replica: str | None = _env("BRIEFING_REPLICA", max_length=120)
    drain_timeout: float = _env("BRIEFING_DRAIN_TIMEOUT", default=10.0, gt=0, le=300)
    # One replica sends each platform's scheduled posts: how long its lease lasts without renewal
    # (renewed every third of it), so how soon another takes over a sender that stopped.
    sender_lease: float = _env("BRIEFING_SENDER_LEASE", default=10.0, ge=1, le=600)
    # Scheduled posts a second for the whole bot token: Telegram's 30 (up to 1000 for paid broadcasts);
    # Slack's none beyond one a second per channel unless set.
    telegram_rate: int = _env("BRIEFING_TELEGRAM_RATE", default=30, ge=1, le=1000)
    slack_rate: int | None = _env("BRIEFING_SLACK_RATE", default=None, ge=1, le=1000)
    retry_initial: float = _env("BRIEFING_RETRY_INITIAL", default=1.0, gt=0, le=60)
    retry_max: float = _env("BRIEFING_RETRY_MAX", default=60.0, gt=0, le=3600)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # A `NAME_FILE` secret ranks with the environment: setting both is refused by the source.
        return init_settings, env_settings, SecretFileSource(settings_cls), dotenv_settings

    # Validation. Messages name the variable; `hide_input_in_errors` keeps values out of them.

    @field_validator("*", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return _strip(value)

    @field_validator(*_SECRET_SHAPES)
    @classmethod
    def _secret_shape(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """A token pasted into the wrong variable is caught here, before any platform sees it."""
        if value is not None:
            fits, message = _SECRET_SHAPES[str(info.field_name)]
            if not fits(value.get_secret_value()):
                raise ValueError(message)
        return value

    @field_validator("telegram_api_base_url", "slack_api_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url("the API base URL", value)

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url("TELEGRAM_WEBHOOK_URL", value, https_unless_loopback=True)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            backend = make_url(value.get_secret_value()).get_backend_name()
        except (ArgumentError, ValueError):
            raise ValueError("DATABASE_URL must be a URL such as sqlite+aiosqlite:///data/bot.db "
                             "or postgresql://user:password@host/db") from None
        if backend not in _DATABASES:
            raise ValueError(f"DATABASE_URL: {backend!r} is not supported; use sqlite or postgresql")
        return value

    @field_validator("slack_admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return frozenset() if value is None else value

    @field_validator("now", mode="before")
    @classmethod
    def _moment(cls, value: object) -> object:
        return parse_moment(value) if isinstance(value, str) else value

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown timezone {value!r}: use an IANA name such as Europe/Istanbul"
                                 ) from None
        return value

    @field_validator("lang")
    @classmethod
    def _language(cls, value: str) -> str:
        code = supported(value)
        if code is None:
            raise ValueError(f"no catalogue for the language {value!r}: use one of {', '.join(LANGUAGES)}")
        return code

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    # Derived views.

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.tz) if self.tz else None

    def platforms(self) -> dict[str, PlatformStatus]:
        return {"telegram": telegram_status(self), "slack": slack_status(self)}

    def enabled_platforms(self) -> list[str]:
        return [name for name, status in self.platforms().items() if status.enabled]

    def secrets(self) -> list[str]:
        """Every configured secret in plain text: what the log redaction must remove."""
        found = [s.get_secret_value() for s in (
            self.telegram_bot_token, self.telegram_webhook_secret, self.slack_bot_token,
            self.slack_app_token, self.slack_signing_secret) if s is not None]
        password = self.database_password()
        return [*found, *([password] if password else [])]

    def database_password(self) -> str | None:
        if self.database_url is None:
            return None
        return make_url(self.database_url.get_secret_value()).password

    def database_display(self) -> str | None:
        """DATABASE_URL with its password masked, fit to print."""
        if self.database_url is None:
            return None
        return make_url(self.database_url.get_secret_value()).render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class PlatformStatus:
    """Whether a platform is configured, in which mode, and which settings it still lacks."""

    name: str
    configured: bool  # any of its settings is set
    mode: str
    missing: tuple[str, ...]

    @property
    def enabled(self) -> bool:
        return self.configured and not self.missing


def telegram_status(s: Settings) -> PlatformStatus:
    configured = any(v is not None for v in (s.telegram_bot_token, s.telegram_webhook_url,
                                              s.telegram_webhook_secret))
    mode = "webhook" if s.telegram_webhook_url else "polling"
    # Without TELEGRAM_WEBHOOK_SECRET the adapter derives one from the token, alike on every replica.
    missing = () if s.telegram_bot_token else ("TELEGRAM_BOT_TOKEN",)
    return PlatformStatus("telegram", configured, mode, missing)


def slack_status(s: Settings) -> PlatformStatus:
    configured = any(v is not None for v in (s.slack_bot_token, s.slack_app_token, s.slack_signing_secret))
    mode = "socket" if s.slack_app_token else "http"
    missing = [] if s.slack_bot_token else ["SLACK_BOT_TOKEN"]
    if not s.slack_app_token and not s.slack_signing_secret:
        missing.append("SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
    return PlatformStatus("slack", configured, mode, tuple(missing))


def env_names(field: FieldInfo) -> list[str]:
    """The variables a setting is read from; every field declares them with `_env()`."""
    alias = field.validation_alias
    return [str(choice) for choice in alias.choices] if isinstance(alias, AliasChoices) else []


def variable(field_name: str) -> str:
    """The documented environment variable of a setting."""
    return env_names(Settings.model_fields[field_name])[0]


def _is_secret(field: FieldInfo) -> bool:
    return "SecretStr" in str(field.annotation)


def secret_fields() -> Iterator[tuple[str, FieldInfo]]:
    return ((name, f) for name, f in Settings.model_fields.items() if _is_secret(f))


class SecretFileSource(PydanticBaseSettingsSource):
    """`TELEGRAM_BOT_TOKEN_FILE=/run/secrets/telegram` and the like, as container platforms mount them."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str] | None = None) -> None:
        super().__init__(settings_cls)
        self.environ = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        for name in env_names(field):
            path = self.environ.get(f"{name}_FILE")
            if path:
                if name in self.environ:
                    raise SettingsError(f"set {name} or {name}_FILE, not both")
                return self._read(name, path), name, False
        return None, field_name, False

    @staticmethod
    def _read(name: str, path: str) -> str:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"{name}_FILE: cannot read {path}: {exc.strerror}") from None

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for field_name, field in secret_fields():
            value, _, _ = self.get_field_value(field, field_name)
            if value is not None:
                found[field_name] = value
        return found


def _problem(error: Mapping[str, Any]) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    names = {n.lower(): n for f in Settings.model_fields.values() for n in env_names(f)}
    name = variable(field) if field in Settings.model_fields else names.get(field.lower(), field)
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if message.startswith(name) else f"{name}: {message}"


def load_settings(env_file: Path | None = Path(".env"), **overrides: Any) -> Settings:
    """The settings from the environment (and `env_file` when it exists); ConfigError if wrong."""
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        raise ConfigError([_problem(e) for e in exc.errors(include_input=False)]) from None
    except SettingsError as exc:
        raise ConfigError([str(exc)]) from None


def _shown(value: object) -> str:
    if isinstance(value, SecretStr):
        return "********"
    if value is None or value == frozenset():
        return "(not set)"
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def describe(settings: Settings) -> list[tuple[str, str]]:
    """(variable, value) for every setting, secrets masked, as `briefing-bot config` prints them."""
    rows = [(variable(name), _shown(getattr(settings, name))) for name in Settings.model_fields]
    defaults = {"DATABASE_URL": settings.database_display() or "(default: SQLite under BRIEFING_DATA_DIR)",
                "BRIEFING_DECKS_DIR": None if settings.decks_dir else "(default: the decks in the package)",
                "BRIEFING_SEEDS_DIR": None if settings.seeds_dir else "(default: the seeds in the package)"}
    return [(var, defaults.get(var) or shown) for var, shown in rows]
