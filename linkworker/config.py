"""Where Linkworker keeps things: folders, the settings file and the database URL.

Every path the app touches is decided here, so tests and IT can move all of it at once
with ``--data-dir`` or ``LINKWORKER_HOME``.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from linkworker.store.private_files import private_folder
from linkworker.whole_file import text_written_whole

APP_NAME = "Linkworker"
HOME_ENV = "LINKWORKER_HOME"
DATABASE_URL_ENV = "LINKWORKER_DATABASE_URL"
DATABASE_FILE = "linkworker.db"
DEMO_FOLDER = "demo"


def install_root() -> Path:
    """The folder holding resources/ and db/: the repository, or PyInstaller's bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def migrations_dir() -> Path:
    return install_root() / "db"


@dataclass(frozen=True)
class Folders:
    """The folders of one Linkworker installation (or one demo)."""

    data: Path
    config: Path
    logs: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def database_file(self) -> Path:
        return self.data / DATABASE_FILE

    @property
    def key_folder(self) -> Path:
        """Where a database key lives when the OS has no keyring."""
        return self.config / "keys"

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    def demo(self) -> Folders:
        """The separate folders of the demo database, inside this installation's data folder."""
        root = self.data / DEMO_FOLDER
        return Folders(data=root, config=root, logs=root / "logs")

    def create(self) -> None:
        """Make the folders, open to this user only (0700 on POSIX); a folder that cannot be made
        is a ``StoreError`` with a plain message."""
        for folder in (self.data, self.config, self.logs):
            private_folder(folder)


def folders(data_dir: Path | None = None) -> Folders:
    """The folders to use: ``--data-dir``, else ``LINKWORKER_HOME``, else the platform's."""
    home = data_dir or (Path(os.environ[HOME_ENV]) if os.environ.get(HOME_ENV) else None)
    if home is not None:
        home = home.expanduser().resolve()
        return Folders(data=home, config=home, logs=home / "logs")
    return Folders(
        data=Path(platformdirs.user_data_dir(APP_NAME, APP_NAME)),
        config=Path(platformdirs.user_config_dir(APP_NAME, APP_NAME)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, APP_NAME)),
    )


@dataclass(frozen=True)
class Settings:
    """The settings file. ``database_url`` names a shared PostgreSQL server, without password."""

    database_url: str | None = None


class SettingsError(Exception):
    """The settings file cannot be read; the message says which file and why."""


def load_settings(folders: Folders) -> Settings:
    path = folders.settings_file
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SettingsError(f"The settings file {path} cannot be read: {error}") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"The settings file {path} must hold a JSON object.")
    url = raw.get("database_url")
    if url is not None and not isinstance(url, str):
        raise SettingsError(f"In {path}, database_url must be text.")
    return Settings(database_url=url or None)


def save_settings(folders: Folders, settings: Settings) -> None:
    """Write the settings file atomically, so a crash never leaves half a file."""
    private_folder(folders.config)
    with text_written_whole(folders.settings_file) as stream:
        stream.write(json.dumps({"database_url": settings.database_url}, indent=2))


def database_url(settings: Settings, override: str | None = None) -> str | None:
    """The shared server's URL if one is named (``--database-url``, environment, settings)."""
    return override or os.environ.get(DATABASE_URL_ENV) or settings.database_url
