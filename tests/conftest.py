"""Fixtures shared by every tier: event fixtures, golden images, handlers, a Lambda context."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from image_audit.local import LocalContext, load_handler

TESTS = Path(__file__).resolve().parent
EVENTS = TESTS / "events"
IMAGES = TESTS / "images"


def load_event(name: str) -> dict[str, Any]:
    """An event from tests/events/ (the same files `sam local invoke -e` takes)."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return event


def golden(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


def golden_b64(name: str) -> str:
    return base64.b64encode(golden(name)).decode()


@pytest.fixture
def lambda_context() -> LocalContext:
    return LocalContext()


@pytest.fixture
def white_background_handler() -> Any:
    return load_handler("white_background")
