"""White-background API (白底图): Lambda entry point.

Adapts the event (API Gateway REST/HTTP API, direct invocation) to the core and maps the answer back.
"""

from typing import Any

from image_audit.api import answer
from image_audit.events import ApiCall, parse_event
from image_audit.settings import get_settings
from image_audit.white_background import WHITE_BACKGROUND_API


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    call = parse_event(event)
    if not isinstance(call, ApiCall):
        raise TypeError("bucket events are not routed to this function yet")
    return call.respond(answer(WHITE_BACKGROUND_API, call.request, get_settings()))
