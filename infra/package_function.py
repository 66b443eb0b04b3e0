"""Assemble exactly what would be deployed for one function, measure it, and optionally run it.

    python infra/package_function.py white_background --out build/package/white_background
    python infra/package_function.py keyword --out build/package/keyword

The folder mirrors Lambda's file system:

* zip functions (template.yaml ``PackageType: Zip``):
  ``task/`` is the function's CodeUri as ``sam build`` copies it (/var/task), and
  ``layer/python/`` is the CoreLayer (/opt/python): the shared/ folder plus
  shared/requirements.txt, as ``BuildMethod: python3.12`` builds it;
* image functions (``PackageType: Image``): ``task/`` is /var/task in infra/Dockerfile's image:
  shared/requirements.txt + infra/requirements-models.txt + rapidocr-onnxruntime --no-deps, the
  image_audit package and the function's app.py.

Wheels are the Lambda platform's (manylinux x86_64, CPython 3.12), whatever this machine is; pip's
download cache lives in build/pip-cache. The unzipped size is printed against the limit that applies:
250 MB for a zip function with its layers, 10 GB for an image. ``runtime/`` (not counted) holds
boto3, which Lambda's runtime provides rather than the package.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "shared"
MB = 1024 * 1024
ZIP_LIMIT_BYTES = 250 * MB  # unzipped: function code and all its layers together
IMAGE_LIMIT_BYTES = 10 * 1024 * MB
RAPIDOCR = "rapidocr-onnxruntime==1.4.4"
# Lambda python3.12 runs on Amazon Linux 2023 (glibc 2.34): every manylinux wheel up to 2_34 fits.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64")
# What Lambda's python3.12 runtime ships outside the package (for running it in isolation).
RUNTIME_SDK = ("boto3",)
SKIPPED = ("__pycache__", "*.egg-info", ".pytest_cache", ".mypy_cache")


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    package_type: str  # "Zip" or "Image"
    logical_id: str


@dataclass(frozen=True)
class Package:
    spec: FunctionSpec
    root: Path

    @property
    def task(self) -> Path:
        return self.root / "task"

    @property
    def layer(self) -> Path:
        return self.root / "layer" / "python"

    @property
    def runtime(self) -> Path:
        return self.root / "runtime"

    def search_path(self) -> list[Path]:
        """sys.path entries Lambda gives the handler, in order (minus the standard library)."""
        paths = [self.task]
        if self.spec.package_type == "Zip":
            paths.append(self.layer)
        return [*paths, self.runtime]

    def deployed_bytes(self) -> int:
        parts = [self.task] + ([self.layer] if self.spec.package_type == "Zip" else [])
        return sum(folder_bytes(part) for part in parts)


# --------------------------------------------------------------------------- template


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short tags (!Ref, !Sub ...) as plain values; only structure is needed."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def function_specs(template: Path = ROOT / "template.yaml") -> dict[str, FunctionSpec]:
    """The functions template.yaml deploys, by API name (the code folder / FUNCTION build arg)."""
    resources = yaml.load(template.read_text(encoding="utf-8"), Loader=_CfnLoader)["Resources"]
    specs: dict[str, FunctionSpec] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        if properties.get("PackageType") == "Image":
            name = resource["Metadata"]["DockerBuildArgs"]["FUNCTION"]
            specs[name] = FunctionSpec(name, "Image", logical_id)
        else:
            name = Path(properties["CodeUri"]).name
            specs[name] = FunctionSpec(name, "Zip", logical_id)
    return specs


# --------------------------------------------------------------------------- assembly


def pip_install(target: Path, arguments: list[str], cache_dir: Path) -> None:
    platform_args = [item for platform in PLATFORMS for item in ("--platform", platform)]
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--target",
        str(target),
        "--implementation",
        "cp",
        "--python-version",
        "3.12",
        "--only-binary=:all:",
        "--upgrade",
        "--no-warn-conflicts",  # the resolver looks at this venv too, which is not the target
        "--cache-dir",
        str(cache_dir),
        *platform_args,
        *arguments,
    ]
    subprocess.run(command, check=True)


def dependency_arguments(spec: FunctionSpec) -> list[list[str]]:
    """pip invocations, in order, exactly as the Dockerfile / sam build run them."""
    core = ["-r", str(SHARED / "requirements.txt")]
    if spec.package_type == "Zip":
        return [core]
    return [[*core, "-r", str(ROOT / "infra" / "requirements-models.txt")], ["--no-deps", RAPIDOCR]]


def dependencies_stamp(spec: FunctionSpec) -> str:
    digest = hashlib.sha256()
    for arguments in dependency_arguments(spec):
        for argument in arguments:
            digest.update(argument.encode())
            path = Path(argument)
            if path.is_file():
                digest.update(path.read_bytes())
    digest.update(" ".join(PLATFORMS).encode())
    return digest.hexdigest()


def copy_tree(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*SKIPPED), dirs_exist_ok=True)


def assemble(name: str, out: Path, *, cache_dir: Path, runtime_sdk: bool = False) -> Package:
    """Build the package folder; dependencies are reinstalled only when their inputs changed."""
    specs = function_specs()
    if name not in specs:
        raise SystemExit(f"{name!r} is not a function in template.yaml (have: {', '.join(specs)})")
    spec = specs[name]
    package = Package(spec, out.resolve())
    dependency_root = package.layer if spec.package_type == "Zip" else package.task
    stamp_file = package.root / ".dependencies.sha256"
    stamp = dependencies_stamp(spec)
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        print(f"{name}: dependencies unchanged, reusing {dependency_root}")
    else:
        for folder in (package.task, package.layer.parent):
            shutil.rmtree(folder, ignore_errors=True)
        dependency_root.mkdir(parents=True)
        for arguments in dependency_arguments(spec):
            print(f"{name}: pip install {' '.join(arguments)}")
            pip_install(dependency_root, arguments, cache_dir)
        package.root.mkdir(parents=True, exist_ok=True)
        stamp_file.write_text(stamp)
    # Our code is always refreshed: it changes with every edit.
    package.task.mkdir(parents=True, exist_ok=True)
    app = ROOT / "functions" / name / "app.py"
    if spec.package_type == "Zip":
        shutil.rmtree(package.layer / "image_audit", ignore_errors=True)
        copy_tree(SHARED, package.layer)  # sam build copies the whole ContentUri into python/
        copy_tree(app.parent, package.task)  # ... and the whole CodeUri into the function
    else:
        shutil.rmtree(package.task / "image_audit", ignore_errors=True)
        copy_tree(SHARED / "image_audit", package.task / "image_audit")
        shutil.copy2(app, package.task / "app.py")
    if runtime_sdk and not (package.runtime / "boto3").is_dir():
        pip_install(package.runtime, list(RUNTIME_SDK), cache_dir)
    return package


# --------------------------------------------------------------------------- measuring


def folder_bytes(folder: Path) -> int:
    if not folder.exists():
        return 0
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def largest_entries(folders: Iterable[Path], count: int = 8) -> list[tuple[str, int]]:
    entries = [
        (entry.name, folder_bytes(entry) if entry.is_dir() else entry.stat().st_size)
        for folder in folders
        if folder.exists()
        for entry in folder.iterdir()
    ]
    return sorted(entries, key=lambda item: item[1], reverse=True)[:count]


def report(package: Package) -> dict[str, Any]:
    size = package.deployed_bytes()
    folders = package.search_path()[:-1]
    summary: dict[str, Any] = {
        "function": package.spec.name,
        "package_type": package.spec.package_type,
        "unzipped_bytes": size,
        "zip_limit_bytes": ZIP_LIMIT_BYTES,
        "fits_zip_limit": size < ZIP_LIMIT_BYTES,
        "largest": largest_entries(folders),
    }
    if package.spec.package_type == "Image":
        summary["image_limit_bytes"] = IMAGE_LIMIT_BYTES
    return summary


def print_report(summary: dict[str, Any]) -> None:
    size = summary["unzipped_bytes"] / MB
    name = summary["function"]
    if summary["package_type"] == "Zip":
        verdict = "fits" if summary["fits_zip_limit"] else "DOES NOT FIT"
        print(f"{name}: zip function + CoreLayer, {size:.1f} MB unzipped of the 250 MB limit: {verdict}")
    else:
        as_zip = "would fit" if summary["fits_zip_limit"] else "would NOT fit"
        print(
            f"{name}: container image payload {size:.1f} MB (image limit 10 GB, plus the ~0.5 GB base "
            f"image); as zip + layer it {as_zip} the 250 MB limit"
        )
    for entry, entry_bytes in summary["largest"]:
        print(f"  {entry_bytes / MB:8.1f} MB  {entry}")


# --------------------------------------------------------------------------- running in isolation

_BOOTSTRAP = r"""
import importlib.util, json, sys, time
allowed = json.loads(sys.argv[1])
sys.path[:0] = allowed
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", allowed[0] + "/app.py")
app = importlib.util.module_from_spec(spec)
sys.modules["app"] = app
spec.loader.exec_module(app)

class Context:
    function_name = "isolated"
    memory_limit_in_mb = 1024
    aws_request_id = "isolated"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:isolated"
    def get_remaining_time_in_millis(self):
        return 28_000

answer = app.lambda_handler(json.loads(sys.stdin.read()), Context())
stdlib = [p for p in sys.path if p not in allowed]
files = {getattr(m, "__file__", None) for m in list(sys.modules.values())} - {None}
foreign = sorted(
    f for f in files
    if not any(f.startswith(root) for root in allowed)
    and ("site-packages" in f or not any(f.startswith(root) for root in stdlib))
)
print(json.dumps({"answer": answer, "foreign_modules": foreign, "sys_path": sys.path,
                  "seconds": time.perf_counter() - started}))
"""


def python312() -> str:
    """A CPython 3.12 interpreter (Lambda's runtime version); the venv's base when it is one."""
    candidates = [os.environ.get("PYTHON312", ""), getattr(sys, "_base_executable", ""), sys.executable]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))
    candidates.append(shutil.which("python3.12") or "")
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return candidate
    raise RuntimeError("no Python 3.12 found; set PYTHON312")


def invoke_isolated(
    package: Package, event: dict[str, Any], env: dict[str, str] | None = None, timeout: float = 300
) -> dict[str, Any]:
    """Run the packaged handler in a fresh 3.12 interpreter that sees only the package.

    ``-I -S``: no user site, no site-packages, no PYTHON* variables; sys.path is the standard
    library plus the package folders, in Lambda's order. The answer reports any module loaded from
    anywhere else (there should be none).
    """
    paths = json.dumps([str(path) for path in package.search_path()])
    result = subprocess.run(
        [python312(), "-I", "-S", "-c", _BOOTSTRAP, paths],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(env or {})},
        cwd=package.root,
    )
    if result.returncode != 0:
        raise RuntimeError(f"isolated handler failed:\n{result.stderr[-4000:]}")
    outcome: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("function", help="API name: white_background, keyword or psoriasis")
    parser.add_argument("--out", type=Path, required=True, help="package folder to (re)build")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "build" / "pip-cache")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    package = assemble(args.function, args.out, cache_dir=args.cache_dir)
    summary = report(package)
    if args.json:
        print(json.dumps(summary))
    else:
        print_report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
