"""Running the Lambda handlers outside Lambda: the local server, the CLI and the functional tests.

All three entry modules are called ``app.py`` (as SAM expects), so they cannot share one import
name: each is loaded from its file under a unique module name. Only ``shared/`` needs to be on
``sys.path``, exactly as on Lambda where the function folder is the task root.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from image_audit.contract import ApiName

# The public routes, one per function; template.yaml declares the same (a test checks it).
ROUTES: dict[str, ApiName] = {
    "/v1/white-background": "white_background",
    "/v1/keyword": "keyword",
    "/v1/psoriasis": "psoriasis",
}

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def repository_root() -> Path:
    return Path(__file__).resolve().parents[2]


def available_functions(root: Path | None = None) -> list[ApiName]:
    """The APIs whose function folder exists in this checkout, in route order."""
    functions = (root or repository_root()) / "functions"
    return [name for name in ROUTES.values() if (functions / name / "app.py").is_file()]


@functools.cache
def load_handler(name: ApiName, root: Path | None = None) -> Handler:
    path = (root or repository_root()) / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"functions_{name}_app", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Handler = module.lambda_handler
    return handler


class LocalContext:
    """The few attributes of a Lambda context object that code may read."""

    function_name = "local"
    memory_limit_in_mb = 2048
    invoked_function_arn = "arn:aws:lambda:local:000000000000:function:local"
    aws_request_id = "local-request"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
