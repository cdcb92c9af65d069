"""Configuration from the environment (``TELCARE_*``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TELCARE_")

    database_url: str = "sqlite:///telcare.db"
    bus_url: str = "inprocess://"
    province: str = "HQ"
    secret_key: str = "dev-only-change-me"
    reminders_default_on: bool = True
    token_ttl_minutes: int = 60
    """Lifetime of login tokens and page sessions (staff, SPs, merchants, subscribers)."""
    # The largest request body (413 above it); complaint uploads (one attachment of up
    # to 5 MiB plus the form) may send up to max_upload_bytes.
    max_body_bytes: int = 1 << 20
    max_upload_bytes: int = 6 << 20


@lru_cache
def get_settings() -> Settings:
    return Settings()
