"""Fixtures for handler-level tests: fake AWS credentials, moto (in-process and over HTTP), events.

``lambda_context`` and ``white_background_handler`` come from tests/conftest.py.

Order matters with moto: credentials first, then ``mock_aws``, then clients; the handlers create
their S3 client lazily (image_audit.runtime.s3_client), so the ``white_background_bucket_handler``
fixture resets that client and the settings cache around each test instead of importing anything
inside the mock. ``use_s3_client`` injects a fault-injecting ``S3Spy`` the same way.
"""

from __future__ import annotations

import importlib.util
import io
import json
import socket
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from image_audit.local import load_handler
from image_audit.runtime import reset_s3_client
from image_audit.settings import Settings, get_settings
from moto import mock_aws
from moto.server import ThreadedMotoServer
from PIL import Image

EVENTS = Path(__file__).resolve().parents[1] / "events"


def _share_root_helpers() -> None:
    """Keep tests/conftest.py's helpers importable as ``conftest`` from every test module.

    pytest imports both conftest files under the one module name ``conftest``; whichever came
    last is what ``from conftest import ...`` finds, in this folder and elsewhere. Re-exporting
    the root file's plain helpers (not its fixtures, which pytest already provides) makes both
    answers the same.
    """
    root = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("tests_root_conftest", root)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, value in vars(module).items():
        is_fixture = type(value).__name__ == "FixtureFunctionDefinition" or hasattr(
            value, "_pytestfixturefunction"
        )
        if not name.startswith("_") and not is_fixture and name not in globals():
            globals()[name] = value


_share_root_helpers()
REGION = "us-east-1"
# The bucket names used by the event fixtures in tests/events/.
UPLOAD_BUCKET = "image-audit-uploads-example"
RESULTS_BUCKET = "image-audit-results-example"


def load_event(name: str) -> dict[str, Any]:
    """An event from tests/events/ (the same files `sam local invoke -e` takes)."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return event


def png_bytes(*, white: bool = True, size: tuple[int, int] = (240, 180)) -> bytes:
    """A product shot: a dark box on a white (or grey) background."""
    image = Image.new("RGB", size, (255, 255, 255) if white else (150, 160, 170))
    width, height = size
    image.paste((30, 60, 120), (width // 4, height // 4, 3 * width // 4, 3 * height // 4))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def bucket_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "UPLOAD_BUCKET": UPLOAD_BUCKET,
        "RESULTS_BUCKET": RESULTS_BUCKET,
        "RESULTS_PREFIX": "results/",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@dataclass
class AwsClients:
    s3: Any
    sqs: Any
    events: Any


def make_clients(endpoint_url: str | None = None) -> AwsClients:
    def client(name: str) -> Any:
        return boto3.client(name, region_name=REGION, endpoint_url=endpoint_url)

    return AwsClients(s3=client("s3"), sqs=client("sqs"), events=client("events"))


def create_buckets(s3: Any) -> None:
    """The two buckets as template.yaml declares them (the upload bucket is versioned)."""
    s3.create_bucket(Bucket=UPLOAD_BUCKET)
    s3.put_bucket_versioning(Bucket=UPLOAD_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket=RESULTS_BUCKET)


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so nothing can reach a real account, whatever the developer's shell has."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[AwsClients]:
    """In-process moto with the upload and results buckets created."""
    with mock_aws():
        clients = make_clients()
        create_buckets(clients.s3)
        yield clients


@pytest.fixture(scope="session")
def moto_server_url() -> Iterator[str]:
    """A real moto HTTP server on 127.0.0.1 and a free port, for the whole session."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def white_background_bucket_handler(
    monkeypatch: pytest.MonkeyPatch, aws_credentials: None
) -> Iterator[Callable[..., dict[str, Any]]]:
    """The deployed handler configured as template.yaml configures it (buckets from the env)."""
    monkeypatch.setenv("UPLOAD_BUCKET", UPLOAD_BUCKET)
    monkeypatch.setenv("RESULTS_BUCKET", RESULTS_BUCKET)
    monkeypatch.setenv("RESULTS_PREFIX", "results/")
    handler = load_handler("white_background")
    get_settings.cache_clear()
    reset_s3_client()
    yield handler
    get_settings.cache_clear()
    reset_s3_client()


def use_s3_client(client: Any) -> None:
    """Make every handler use ``client`` (e.g. an ``S3Spy``) until the handler fixture resets it."""
    reset_s3_client(client)


def load_infra_module(name: str) -> ModuleType:
    """A script from infra/ (not a package: loaded by path, as image_audit.local loads handlers)."""
    path = Path(__file__).resolve().parents[2] / "infra" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"infra_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


def client_error(code: str, status: int, operation: str = "GetObject") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )


class S3Spy:
    """A boto3 S3 client that counts calls per operation and raises injected faults.

    ``fail("get_object", error, when=lambda request: request["Key"] == "a.png")`` makes matching
    calls raise ``error`` before they reach S3 (moto, in-process or over HTTP).
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.faults: list[tuple[str, Callable[[dict[str, Any]], bool], BaseException]] = []

    def fail(
        self,
        operation: str,
        error: BaseException,
        when: Callable[[dict[str, Any]], bool] = lambda request: True,
    ) -> None:
        self.faults.append((operation, when, error))

    def heal(self) -> None:
        self.faults.clear()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def call(**request: Any) -> Any:
            self.calls[name] += 1
            self.requests.append((name, request))
            for operation, when, error in self.faults:
                if operation == name and when(request):
                    raise error
            return attribute(**request)

        return call
