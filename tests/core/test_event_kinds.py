"""Ledger event kinds are named constants: no service records a kind spelled out in place,
every app's kinds are listed with their meaning, and docs/events.md lists them all."""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

import ggzy

SRC = Path(ggzy.__file__).parent
DOCS = SRC.parent.parent / "docs" / "events.md"
RECORDERS = {"record", "Pending", "witness", "_record_expert", "record_revision"}


def _calls_with_spelled_out_kinds(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in RECORDERS or not node.args:
            continue
        kind = node.args[1] if name == "witness" and len(node.args) > 1 else node.args[0]
        parts = [kind.body, kind.orelse] if isinstance(kind, ast.IfExp) else [kind]
        for part in parts:
            literal = isinstance(part, ast.Constant) and isinstance(part.value, str)
            if literal or isinstance(part, ast.JoinedStr):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_no_service_spells_out_an_event_kind() -> None:
    modules = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
    offenders = [hit for path in modules for hit in _calls_with_spelled_out_kinds(path)]
    assert offenders == []


def _event_modules() -> list[object]:
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("ggzy.") and (Path(config.path) / "events.py").exists():
            found.append(importlib.import_module(f"{config.name}.events"))
    return found


def _kinds(module: object) -> list[tuple[str, str]]:
    return [(k, v) for k, v in vars(module).items() if k.isupper() and isinstance(v, str)]


def test_every_kind_has_its_meaning_and_is_in_the_docs() -> None:
    docs = DOCS.read_text()
    kinds = 0
    for module in _event_modules():
        source = Path(module.__file__).read_text()
        for name, value in _kinds(module):
            kinds += 1
            meaning = re.search(
                rf'^{name} = "{re.escape(value)}"\n"""(.+?)"""', source, re.S | re.M
            )
            assert meaning and meaning.group(1).strip(), f"{module.__name__}.{name} says nothing"
            assert f"`{value}`" in docs and f"`{name}`" in docs, f"{value} missing from events.md"
    assert kinds > 80


@pytest.mark.parametrize("module", _event_modules(), ids=lambda m: m.__name__)
def test_kinds_are_unique_within_an_app(module: object) -> None:
    values = [v for _, v in _kinds(module)]
    assert len(values) == len(set(values))
