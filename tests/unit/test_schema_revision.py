"""The shortcut that skips Alembic must name the newest migration."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

import mailapp
from mailapp.db import SCHEMA_REVISION


def test_schema_revision_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(mailapp.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_REVISION]
