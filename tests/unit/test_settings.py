from __future__ import annotations

import pytest
from image_audit.settings import Settings
from pydantic import ValidationError


def test_defaults_run_locally_without_configuration() -> None:
    settings = Settings.model_validate({})
    assert settings.MAX_API_IMAGE_BYTES == 4 * 1024 * 1024
    assert settings.ALIYUN_DATA_VALUE_FORMAT == "object"


def test_environment_strings_are_validated_once() -> None:
    settings = Settings.model_validate(
        {"MAX_API_IMAGE_BYTES": "1000", "TAG_SOURCE_OBJECTS": "true", "PATH": "/x"}
    )
    assert settings.MAX_API_IMAGE_BYTES == 1000 and settings.TAG_SOURCE_OBJECTS is True
    with pytest.raises(ValidationError):
        Settings.model_validate({"ALIYUN_DATA_VALUE_FORMAT": "xml"})
    with pytest.raises(ValidationError):
        Settings.model_validate({"ORT_INTRA_OP_THREADS": "0"})
