"""template.yaml: valid SAM, routes as the code declares them, and an upload path that cannot loop.

The template is read with a YAML loader that keeps CloudFormation's short tags (!Ref, !Sub, !If ...)
as their long ``Fn::`` forms, so the checks look at exactly what CloudFormation will.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from image_audit.local import ROUTES, available_functions, repository_root
from image_audit.settings import Settings

ROOT = repository_root()
TEMPLATE = ROOT / "template.yaml"
SAMPLE_STACK = {
    "AWS::StackName": "audit",
    "AWS::AccountId": "123456789012",
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
}
BUCKET_LOGICAL_IDS = ("UploadBucket", "ResultsBucket")


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns ``!Tag value`` into ``{"Fn::Tag": value}`` (``!Ref`` into ``Ref``)."""


def _construct_tag(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=CfnLoader)
    return loaded


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: body for name, body in template["Resources"].items() if body["Type"] == kind}


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of(template, "AWS::Serverless::Function")


def api_name(function: dict[str, Any]) -> str:
    """Which API a function serves: its code folder (zip) or its image's FUNCTION build arg."""
    properties = function["Properties"]
    if properties.get("PackageType") == "Image":
        return str(function["Metadata"]["DockerBuildArgs"]["FUNCTION"])
    return Path(properties["CodeUri"]).name


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def substitute(value: Any, template: dict[str, Any]) -> str:
    """A deterministic name (``Fn::Sub`` of pseudo parameters) for a sample stack."""
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    assert isinstance(text, str), f"expected a string or !Sub, got {value!r}"
    return re.sub(r"\$\{([^}]+)\}", lambda match: SAMPLE_STACK[match.group(1)], text)


def bucket_names(template: dict[str, Any]) -> dict[str, str]:
    return {
        name: substitute(body["Properties"]["BucketName"], template)
        for name, body in resources_of(template, "AWS::S3::Bucket").items()
    }


def test_sam_validate_with_lint_passes() -> None:
    sam = Path(sys.executable).with_name("sam")
    executable = str(sam) if sam.exists() else shutil.which("sam")
    if executable is None:
        pytest.skip("aws-sam-cli is not installed")
    result = subprocess.run(
        [executable, "validate", "--lint", "--template", str(TEMPLATE)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_routes_match_the_code(template: dict[str, Any]) -> None:
    # Every function folder that exists is deployed, on the route image_audit.local.ROUTES names.
    routes: dict[str, str] = {}
    for function in functions(template).values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                assert event["Properties"]["Method"] == "post"
                routes[event["Properties"]["Path"]] = api_name(function)
    present = set(available_functions())
    assert routes == {path: api for path, api in ROUTES.items() if api in present}
    assert {api_name(function) for function in functions(template).values()} == present


def test_each_function_has_its_code(template: dict[str, Any]) -> None:
    for name, function in functions(template).items():
        properties = function["Properties"]
        if properties.get("PackageType") == "Image":
            metadata = function["Metadata"]
            assert metadata["DockerContext"] == "."
            assert (ROOT / metadata["Dockerfile"]).is_file()
            assert not {"Runtime", "Handler", "Layers"} & properties.keys(), name  # images take none
        else:
            assert (ROOT / properties["CodeUri"] / "app.py").is_file(), name
            assert properties["Handler"] == "app.lambda_handler"
            assert properties["Runtime"] == "python3.12"


def test_no_policy_or_variable_depends_on_a_bucket_resource(template: dict[str, Any]) -> None:
    # !Ref/!GetAtt of a bucket inside a function's policies or environment is the classic circular
    # dependency; names are deterministic strings instead.
    globals_env = template["Globals"]["Function"]["Environment"]
    for name, function in {
        "Globals": {"Properties": {"Environment": globals_env}},
        **functions(template),
    }.items():
        properties = function["Properties"]
        for node in walk([properties.get("Policies", []), properties.get("Environment", {})]):
            if not isinstance(node, dict):
                continue
            assert node.get("Ref") not in BUCKET_LOGICAL_IDS, name
            assert (node.get("Fn::GetAtt") or [None])[0] not in BUCKET_LOGICAL_IDS, name
            sub = node.get("Fn::Sub")
            if isinstance(sub, str):
                assert not any(f"${{{bucket}" in sub for bucket in BUCKET_LOGICAL_IDS), name


def test_environment_names_are_settings_fields(template: dict[str, Any]) -> None:
    variables = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in functions(template).values():
        variables.update(function["Properties"].get("Environment", {}).get("Variables", {}))
    # OpenCV reads its own variable before import; everything else is read through Settings.
    names = set(variables) - {"OPENCV_IO_MAX_IMAGE_PIXELS"}
    assert names <= set(Settings.model_fields)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", name) for name in variables)
    buckets = bucket_names(template)
    assert substitute(variables["UPLOAD_BUCKET"], template) == buckets["UploadBucket"]
    assert substitute(variables["RESULTS_BUCKET"], template) == buckets["ResultsBucket"]


def test_logical_ids_are_pascal_case(template: dict[str, Any]) -> None:
    for name in template["Resources"]:
        assert re.fullmatch(r"(?:[A-Z][a-z0-9]*)+", name), name


def test_results_cannot_trigger_an_analysis(template: dict[str, Any]) -> None:
    buckets = bucket_names(template)
    upload, results = buckets["UploadBucket"], buckets["ResultsBucket"]
    assert upload != results
    assert all(len(name) <= 63 for name in buckets.values())
    # the results bucket notifies nothing
    assert "NotificationConfiguration" not in template["Resources"]["ResultsBucket"]["Properties"]
    # the only S3-sourced rules match the upload bucket by name
    rules = resources_of(template, "AWS::Events::Rule")
    assert rules
    for rule in rules.values():
        pattern = rule["Properties"]["EventPattern"]
        assert pattern["source"] == ["aws.s3"] and pattern["detail-type"] == ["Object Created"]
        assert [substitute(name, template) for name in pattern["detail"]["bucket"]["name"]] == [upload]
    # no function is triggered by S3 directly
    for function in functions(template).values():
        kinds = {event["Type"] for event in function["Properties"].get("Events", {}).values()}
        assert kinds <= {"Api", "SQS"}


def test_functions_may_write_results_only(template: dict[str, Any]) -> None:
    buckets = bucket_names(template)
    for name, function in functions(template).items():
        written: set[str] = set()
        denied: set[str] = set()
        for policy in function["Properties"]["Policies"]:
            for kind in ("S3WritePolicy", "S3CrudPolicy", "S3FullAccessPolicy"):
                if isinstance(policy, dict) and kind in policy:
                    written.add(substitute(policy[kind]["BucketName"], template))
            for node in walk(policy):
                if (
                    isinstance(node, dict)
                    and node.get("Effect") == "Deny"
                    and "s3:PutObject" in node["Action"]
                ):
                    denied.add(substitute(node["Resource"], template))
                if isinstance(node, dict) and node.get("Effect") == "Allow":
                    assert "s3:PutObject" not in node.get("Action", []), name
        assert written == {buckets["ResultsBucket"]}, name
        assert denied == {f"arn:aws:s3:::{buckets['UploadBucket']}/*"}, name


def test_upload_queues_retry_then_dead_letter(template: dict[str, Any]) -> None:
    default_timeout = template["Globals"]["Function"]["Timeout"]
    queues = resources_of(template, "AWS::SQS::Queue")
    rules = resources_of(template, "AWS::Events::Rule")
    for name, function in functions(template).items():
        timeout = function["Properties"].get("Timeout", default_timeout)
        sqs_events = [e for e in function["Properties"]["Events"].values() if e["Type"] == "SQS"]
        assert len(sqs_events) == 1, name
        event = sqs_events[0]["Properties"]
        assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert event["ScalingConfig"]["MaximumConcurrency"]
        queue_id = event["Queue"]["Fn::GetAtt"][0]
        queue = queues[queue_id]["Properties"]
        assert queue["VisibilityTimeout"] >= 6 * timeout, name
        assert queue["MaximumMessageSize"] >= 64 * 1024  # an S3 event can be 64 KB
        dead_letter_id = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dead_letter_id in queues and dead_letter_id != queue_id
        assert queue["RedrivePolicy"]["maxReceiveCount"] == {"Ref": "MaxReceiveCount"}
        # some rule feeds this queue, and the queue policy lets only that rule send
        feeding = [
            r
            for r, rule in rules.items()
            if any(t["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]} for t in rule["Properties"]["Targets"])
        ]
        assert len(feeding) == 1, name
        policies = [
            p
            for p in resources_of(template, "AWS::SQS::QueuePolicy").values()
            if p["Properties"]["Queues"] == [{"Ref": queue_id}]
        ]
        statement = policies[0]["Properties"]["PolicyDocument"]["Statement"][0]
        assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [feeding[0], "Arn"]}
