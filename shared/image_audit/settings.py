"""Runtime settings: one pydantic model, read from the environment once per container.

This is the only module that reads ``os.environ``; everything else receives a ``Settings``. Field
names are the environment variable names used in template.yaml. Every field has a default that
works locally (no AWS), so the CLI and the local server run with no configuration at all.
"""

from __future__ import annotations

import functools
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Aliyun envelope: how outputValue.dataValue is written when the request does not say.
    ALIYUN_DATA_VALUE_FORMAT: Literal["object", "string"] = "object"
    # Raw image bytes accepted inline by the API: a 6 MB Lambda payload holds ~4.4 MB of raw image as
    # base64; larger images go through the bucket or an s3 reference.
    MAX_API_IMAGE_BYTES: int = Field(4 * 1024 * 1024, gt=0)
    # Objects read from S3 (bucket path and s3 references), as the original's 20 MB limit.
    MAX_OBJECT_BYTES: int = Field(20 * 1024 * 1024, gt=0)
    MAX_IMAGE_PIXELS: int = Field(50_000_000, gt=0)
    # onnxruntime pools default to the host's cores, not the Lambda's vCPUs.
    ORT_INTRA_OP_THREADS: int = Field(2, ge=1, le=16)
    # Bucket path (template.yaml sets these; empty locally).
    UPLOAD_BUCKET: str = ""
    RESULTS_BUCKET: str = ""
    RESULTS_PREFIX: str = "results/"
    TAG_SOURCE_OBJECTS: bool = False


@functools.cache
def get_settings() -> Settings:
    """Validated on first use, then reused for the container's lifetime."""
    return Settings.model_validate(dict(os.environ))
