"""Psoriasis API (牛皮癣: overlays, watermarks, logos): Lambda entry point.

Pure adaptation, the same in every function: bucket notifications (SQS batches from the upload
fan-out, or direct S3/EventBridge events) go to ``handle_bucket_event``; API Gateway REST/HTTP API
and direct invocations go to ``answer``, whose ``s3`` image references are read from the upload
bucket. The S3 client is the container's one client (image_audit.runtime).
"""

from typing import Any

from image_audit.api import answer
from image_audit.bucket import handle_bucket_event
from image_audit.events import BucketCall, parse_event
from image_audit.psoriasis import PSORIASIS_API as API
from image_audit.runtime import s3_client, upload_fetcher
from image_audit.settings import get_settings


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = get_settings()
    call = parse_event(event)
    if isinstance(call, BucketCall):
        return handle_bucket_event(API, event, settings, s3_client())
    return call.respond(answer(API, call.request, settings, fetch=upload_fetcher(settings)))
