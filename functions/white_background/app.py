"""White-background API (白底图): Lambda entry point.

Adapts the event to the core and maps the answer back: API Gateway REST/HTTP API and direct
invocations go to ``answer`` (with ``s3`` image references read from the upload bucket); bucket
notifications (SQS batches from the upload fan-out, or direct S3/EventBridge events) go to
``handle_bucket_event``.
"""

import functools
from typing import Any

from image_audit.api import answer
from image_audit.bucket import handle_bucket_event
from image_audit.contract import S3Ref
from image_audit.events import BucketCall, parse_event
from image_audit.settings import get_settings
from image_audit.storage import make_image_fetcher
from image_audit.white_background import WHITE_BACKGROUND_API


@functools.cache
def s3_client() -> Any:
    """One client per container, created on first use (so tests can create it inside moto)."""
    import boto3  # provided by the Lambda runtime; imported lazily to keep API cold starts lean
    from botocore.config import Config

    # Fail fast inside the 28 s API budget; botocore's standard mode retries 5xx/throttling itself.
    config = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=20)
    return boto3.client("s3", config=config)


def fetch_uploaded_image(reference: S3Ref) -> bytes:
    """The API's ``s3`` image source (upload bucket only); the client is made on first use."""
    return make_image_fetcher(s3_client(), get_settings())(reference)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = get_settings()
    call = parse_event(event)
    if isinstance(call, BucketCall):
        return handle_bucket_event(WHITE_BACKGROUND_API, event, settings, s3_client())
    return call.respond(answer(WHITE_BACKGROUND_API, call.request, settings, fetch=fetch_uploaded_image))
