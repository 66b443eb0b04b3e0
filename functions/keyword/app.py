"""Chaoxin keyword API (炒信关键词): Lambda entry point.

Adapts the event (API Gateway REST/HTTP API, direct invocation) to the core and maps the answer back.
"""

from typing import Any

from image_audit.api import answer
from image_audit.events import ApiCall, parse_event
from image_audit.keyword_api import KEYWORD_API
from image_audit.settings import get_settings


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    call = parse_event(event)
    if not isinstance(call, ApiCall):
        raise TypeError("bucket events are not routed to this function yet")
    return call.respond(answer(KEYWORD_API, call.request, get_settings()))
