"""Local bucket mode: the deployed upload path (template.yaml) on this machine, with no AWS account.

    python infra/local_bucket.py --watch inbox/ --results build/local-results/          # until Ctrl-C
    python infra/local_bucket.py --watch samples/ --results build/local-results/ --once # then exit

What runs, all in this process:

1. a moto server on 127.0.0.1 (a free port), standing in for S3, EventBridge and SQS;
2. the same wiring as template.yaml: an upload bucket with EventBridge notifications, a results
   bucket, and per API one EventBridge rule, one SQS queue and one dead-letter queue;
3. a folder watcher (polling): each new or changed file is uploaded under its relative path;
4. a poller per queue that hands each batch to that API's real ``lambda_handler`` as Lambda's
   SQS event source would, deleting only the messages not reported in ``batchItemFailures``;
5. every new result document is printed and mirrored to ``--results/{api}/{key}.json``.

The handlers see the same environment variables as on Lambda (UPLOAD_BUCKET, RESULTS_BUCKET,
RESULTS_PREFIX); ``AWS_ENDPOINT_URL`` points their S3 client at the moto server.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from image_audit.local import LocalContext, available_functions, load_handler
from image_audit.runtime import reset_s3_client
from image_audit.settings import get_settings
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
UPLOAD_BUCKET = "local-image-audit-uploads"
RESULTS_BUCKET = "local-image-audit-results"
RESULTS_PREFIX = "results/"
# As template.yaml: a failing message is received this many times, then dead-lettered. The
# visibility timeout is short here so a retry happens within seconds, not minutes.
MAX_RECEIVE_COUNT = 3
LOCAL_VISIBILITY_TIMEOUT = 2
IGNORED_NAMES = (".DS_Store", "Thumbs.db")

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class ApiQueue:
    api: str
    queue_url: str
    queue_arn: str
    dead_letter_url: str


@dataclass
class LocalStack:
    endpoint_url: str
    s3: Any
    sqs: Any
    events: Any
    queues: list[ApiQueue] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_moto_server(port: int = 0) -> tuple[ThreadedMotoServer, str]:
    port = port or free_port()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def clients(endpoint_url: str) -> LocalStack:
    def client(name: str) -> Any:
        return boto3.client(name, region_name=REGION, endpoint_url=endpoint_url)

    return LocalStack(endpoint_url, client("s3"), client("sqs"), client("events"))


def provision(
    stack: LocalStack,
    apis: Iterable[str],
    *,
    upload_bucket: str = UPLOAD_BUCKET,
    results_bucket: str = RESULTS_BUCKET,
    visibility_timeout: int = LOCAL_VISIBILITY_TIMEOUT,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> LocalStack:
    """Create what template.yaml creates, on the moto server: buckets, fan-out rules and queues."""
    stack.s3.create_bucket(Bucket=upload_bucket)
    stack.s3.put_bucket_versioning(Bucket=upload_bucket, VersioningConfiguration={"Status": "Enabled"})
    stack.s3.create_bucket(Bucket=results_bucket)
    stack.s3.put_bucket_notification_configuration(
        Bucket=upload_bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    pattern = {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [upload_bucket]}},
    }
    for api in apis:
        name = api.replace("_", "-")
        dead_letter_url = stack.sqs.create_queue(QueueName=f"{name}-uploads-dlq")["QueueUrl"]
        dead_letter_arn = _queue_arn(stack.sqs, dead_letter_url)
        redrive = {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": str(max_receive_count)}
        queue_url = stack.sqs.create_queue(
            QueueName=f"{name}-uploads",
            Attributes={
                "VisibilityTimeout": str(visibility_timeout),
                "RedrivePolicy": json.dumps(redrive),
            },
        )["QueueUrl"]
        queue_arn = _queue_arn(stack.sqs, queue_url)
        stack.events.put_rule(Name=f"{name}-uploads", EventPattern=json.dumps(pattern), State="ENABLED")
        stack.events.put_targets(Rule=f"{name}-uploads", Targets=[{"Id": "queue", "Arn": queue_arn}])
        stack.queues.append(ApiQueue(api, queue_url, queue_arn, dead_letter_url))
    return stack


def _queue_arn(sqs: Any, queue_url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
    arn: str = attributes["QueueArn"]
    return arn


def as_s3_sends(body: str) -> str:
    """A notification from moto, with the one detail where moto and S3 differ put right.

    Direct notifications: moto omits the ``sequencer`` that S3 sends with every object-created
    record; one is made from the clock, so later local events order after earlier ones.

    EventBridge events pass through unchanged: moto puts the object key in them as it is, and
    whether S3 URL-encodes that key is not documented, so the handlers accept both spellings
    (image_audit.events); the local mode exercises the unencoded one.
    """
    try:
        event = json.loads(body)
    except json.JSONDecodeError:
        return body
    if not isinstance(event, dict):
        return body
    for record in event.get("Records", []) if isinstance(event.get("Records"), list) else []:
        record_object = record.get("s3", {}).get("object") if isinstance(record, dict) else None
        if isinstance(record_object, dict):
            record_object.setdefault("sequencer", f"{time.time_ns():020X}")
    return json.dumps(event, ensure_ascii=False)


def sqs_lambda_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping builds from received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": as_s3_sends(message["Body"]),
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def poll_once(
    sqs: Any, queue: ApiQueue, handler: Handler, context: Any, batch_size: int = 10
) -> tuple[int, int]:
    """One receive -> invoke -> delete cycle, as the event source mapping does it.

    Returns (messages received, messages failed). Failed messages are left in the queue: they
    come back after the visibility timeout, and SQS dead-letters them after maxReceiveCount.
    A handler that raises fails the whole batch, exactly as on Lambda.
    """
    received = sqs.receive_message(
        QueueUrl=queue.queue_url, MaxNumberOfMessages=batch_size, AttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", [])
    if not received:
        return 0, 0
    try:
        answer = handler(sqs_lambda_event(received, queue.queue_arn), context)
        failed_ids = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
    except Exception as error:  # the whole batch returns to the queue
        print(f"  {queue.api}: handler raised {error!r}; the batch will be retried", file=sys.stderr)
        failed_ids = {message["MessageId"] for message in received}
    done = [message for message in received if message["MessageId"] not in failed_ids]
    if done:
        sqs.delete_message_batch(
            QueueUrl=queue.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
        )
    return len(received), len(failed_ids)


def queue_depth(sqs: Any, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


class FolderWatcher:
    """Uploads files that are new or changed since the last scan (by size and mtime)."""

    def __init__(self, folder: Path, s3: Any, bucket: str) -> None:
        self.folder = folder
        self.s3 = s3
        self.bucket = bucket
        self.seen: dict[Path, tuple[int, int]] = {}

    def scan(self) -> list[str]:
        uploaded = []
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file() or path.name in IGNORED_NAMES or path.name.startswith("."):
                continue
            stat = path.stat()
            signature = (stat.st_size, stat.st_mtime_ns)
            if self.seen.get(path) == signature:
                continue
            self.seen[path] = signature
            key = path.relative_to(self.folder).as_posix()
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=path.read_bytes())
            uploaded.append(key)
        return uploaded


class ResultMirror:
    """Copies new or changed result documents to a local folder and says where they are."""

    def __init__(self, s3: Any, bucket: str, prefix: str, destination: Path) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.prefix = prefix
        self.destination = destination.resolve()
        self.etags: dict[str, str] = {}

    def sync(self) -> list[tuple[str, Path, dict[str, Any]]]:
        copied = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key, etag = item["Key"], item["ETag"]
                if self.etags.get(key) == etag:
                    continue
                target = (self.destination / key[len(self.prefix) :]).resolve()
                if not target.is_relative_to(self.destination):
                    continue  # a key with ".." segments: never write outside the folder
                payload = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(payload)
                self.etags[key] = etag
                copied.append((key, target, json.loads(payload)))
        return copied


def configure_environment(endpoint_url: str) -> None:
    """The handlers' view of the world: Lambda's variables, and S3 at the moto server."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": endpoint_url,
            "UPLOAD_BUCKET": UPLOAD_BUCKET,
            "RESULTS_BUCKET": RESULTS_BUCKET,
            "RESULTS_PREFIX": RESULTS_PREFIX,
        }
    )
    os.environ.pop("AWS_PROFILE", None)
    get_settings.cache_clear()
    reset_s3_client()  # a client made before would still point at the old endpoint


def run(
    watch: Path,
    results: Path,
    apis: list[str],
    *,
    once: bool,
    poll_seconds: float,
    timeout_seconds: float,
    port: int = 0,
) -> int:
    """Run the local bucket mode; returns the number of dead letters (0 when everything landed)."""
    server, endpoint_url = start_moto_server(port)
    try:
        configure_environment(endpoint_url)
        stack = provision(clients(endpoint_url), apis)
        handlers = {api: load_handler(api) for api in apis}  # type: ignore[arg-type]
        context = LocalContext()
        watcher = FolderWatcher(watch, stack.s3, UPLOAD_BUCKET)
        mirror = ResultMirror(stack.s3, RESULTS_BUCKET, RESULTS_PREFIX, results)
        print(
            f"moto server {endpoint_url}; watching {watch}/ -> s3://{UPLOAD_BUCKET}; APIs: {', '.join(apis)}"
        )
        deadline = time.monotonic() + timeout_seconds
        while True:
            for key in watcher.scan():
                print(f"uploaded s3://{UPLOAD_BUCKET}/{key}")
            for queue in stack.queues:
                while poll_once(stack.sqs, queue, handlers[queue.api], context)[0]:
                    pass
            for key, path, document in mirror.sync():
                outcome = document.get("code") or document.get("verdict")
                print(f"result  s3://{RESULTS_BUCKET}/{key} ({outcome}) -> {path}")
            busy = any(queue_depth(stack.sqs, queue.queue_url) for queue in stack.queues)
            if once and not busy:
                break
            if time.monotonic() > deadline:
                print("timed out with messages still queued", file=sys.stderr)
                break
            time.sleep(poll_seconds)
        dead = sum(queue_depth(stack.sqs, queue.dead_letter_url) for queue in stack.queues)
        if dead:
            print(f"{dead} upload(s) ended in a dead-letter queue", file=sys.stderr)
        return dead
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watch", type=Path, required=True, help="folder whose files are uploaded")
    parser.add_argument("--results", type=Path, default=Path("build/local-results"), help="mirror folder")
    parser.add_argument("--api", action="append", choices=available_functions(), help="default: all present")
    parser.add_argument("--once", action="store_true", help="upload what is there, drain the queues, exit")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between folder scans")
    parser.add_argument("--timeout", type=float, default=3600.0, help="stop after this many seconds")
    parser.add_argument("--port", type=int, default=0, help="moto server port (default: a free one)")
    args = parser.parse_args(argv)
    if not args.watch.is_dir():
        parser.error(f"{args.watch} is not a folder")
    apis = args.api or list(available_functions())
    try:
        dead = run(
            args.watch,
            args.results,
            apis,
            once=args.once,
            poll_seconds=args.poll,
            timeout_seconds=args.timeout,
            port=args.port,
        )
    except KeyboardInterrupt:
        return 0
    return 1 if dead else 0


if __name__ == "__main__":
    sys.exit(main())
