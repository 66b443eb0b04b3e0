"""What a function container keeps between invocations: its one S3 client, and the API's S3 source.

Every handler (functions/<api>/app.py) has the same dozen lines::

    def lambda_handler(event, context):
        settings = get_settings()
        call = parse_event(event)
        if isinstance(call, BucketCall):
            return handle_bucket_event(API, event, settings, s3_client())
        return call.respond(answer(API, call.request, settings, fetch=upload_fetcher(settings)))

The client is made on first use, not at import: an API call with an inline image never needs one
(cold starts stay lean: boto3 comes from the Lambda runtime and is imported lazily), and tests can
create it inside moto or inject a fake with ``reset_s3_client``. boto3 reads its own configuration
(region, credentials, ``AWS_ENDPOINT_URL`` for the local bucket mode) from the environment; the
service's settings come from ``image_audit.settings`` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from image_audit.storage import make_image_fetcher

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_s3 import S3Client

    from image_audit.contract import S3Ref
    from image_audit.settings import Settings

# Fail fast inside the 28 s API budget; botocore's standard mode retries 5xx and throttling itself
# (4 attempts), and whatever still fails is retried by the queue on the bucket path.
MAX_ATTEMPTS = 4
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 20

_s3_client: S3Client | None = None


def s3_client() -> S3Client:
    """The container's S3 client, created on first use and reused by every later invocation."""
    global _s3_client
    if _s3_client is None:
        _s3_client = new_s3_client()
    return _s3_client


def new_s3_client() -> S3Client:
    import boto3  # provided by the Lambda runtime; imported lazily to keep API cold starts lean
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
    )
    client: S3Client = boto3.client("s3", config=config)
    return client


def reset_s3_client(client: S3Client | None = None) -> None:
    """Use ``client`` from now on; with None, make a fresh one on next use.

    For tests (a moto-backed client, or a fault-injecting wrapper) and for local tools that point
    boto3 at another endpoint after a client was made.
    """
    global _s3_client
    _s3_client = client


def upload_fetcher(settings: Settings) -> Callable[[S3Ref], bytes]:
    """The API's ``s3`` image source: the upload bucket only, read with the container's client."""
    return make_image_fetcher(s3_client, settings)
