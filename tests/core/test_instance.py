"""A database's own files: stamped with its identity, set aside when another database's are
found, refused when its own are gone."""

from pathlib import Path
from typing import Any

import pytest

from ggzy.core import instance
from ggzy.core.models import Instance, LedgerEntry
from ggzy.kernel.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    settings.GGZY_INSTANCE_DIR = None
    return tmp_path


def test_a_new_database_gets_its_directory_stamped(var: Path) -> None:
    folder = instance.bind()
    row = Instance.objects.get()
    assert folder == var / "instances" / instance.directory().name
    assert (folder / instance.STAMP).read_text() == row.uid
    assert not LedgerEntry.objects.exists()  # not a trading event
    assert instance.bind() == folder  # again: nothing changes
    assert Instance.objects.count() == 1


def test_files_of_an_earlier_database_are_set_aside(var: Path) -> None:
    folder = instance.directory()
    (folder / "demo-keys").mkdir(parents=True)
    (folder / "demo-keys" / "old.key.pem").write_text("a key of a database that is gone")
    (folder / instance.STAMP).write_text("0" * 32)
    said: list[str] = []
    assert instance.bind(said.append) == folder
    assert not (folder / "demo-keys").exists()
    [aside] = (var / "set-aside").iterdir()
    assert (aside / "demo-keys" / "old.key.pem").exists()
    assert str(aside) in said[0]


def test_a_database_whose_files_are_gone_is_refused(var: Path) -> None:
    folder = instance.bind()
    (folder / instance.STAMP).unlink()
    with pytest.raises(Conflict) as caught:
        instance.bind()
    assert caught.value.code == "instance_files_mismatch"
    assert str(folder) in caught.value.message_zh
    (folder / instance.STAMP).write_text("f" * 32)
    with pytest.raises(Conflict):
        instance.bind()


def test_each_database_has_a_directory_of_its_own(settings: Any, var: Path) -> None:
    settings.GGZY_INSTANCE_NAME = "sqlite-one"
    one = instance.directory()
    settings.GGZY_INSTANCE_NAME = "pg-127.0.0.1-5432-test"
    assert instance.directory() != one
    settings.GGZY_INSTANCE_DIR = str(var / "elsewhere")
    assert instance.directory() == var / "elsewhere"
