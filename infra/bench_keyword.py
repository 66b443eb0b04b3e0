"""Keyword API speed: the end-to-end handler against RapidOCR()'s default pipeline, side by side.

    PYTHONPATH=shared .venv/bin/python infra/bench_keyword.py                        # ~3 min
    PYTHONPATH=shared .venv/bin/python infra/bench_keyword.py --limit 0 --repeat 3   # every image, ~20 min

Images: the kit's real photos (../shared/data/real) and the generated keyword set
(build/datasets/keyword: ``make eval-keyword`` or ``infra/datasets/gen_keyword_set.py`` makes it),
at most ``--limit`` (default 50) of each, spread evenly over the sorted file names (0: all of them).

The handler is ``functions/keyword/app.py``'s ``lambda_handler`` with the API Gateway REST event of
``tests/events/apiGatewayProxyEventKeywordAliyun.json``, its body the Aliyun envelope carrying the
image (base64, no keyword: the built-in library runs); timed from the event dict to the response
(JSON and base64 parsing, the decode gate, OCR, matching, the body). An image it refuses is reported
and left out. RapidOCR() gets the already decoded BGR array. Goal: handler median <= 0.6 x
RapidOCR()'s, per set and over all images; then cold start and peak RSS for a 4000x4000 input, in
fresh interpreters (the handler side builds the OCR engine as Init would).

The run itself is ``infra/bench_handler.py``, given the keyword function and event; the method
(interleaving, ``--gap`` idle seconds, what each side times, the fresh-interpreter children) is
documented in ``infra/bench_psoriasis.py``.
"""

from __future__ import annotations

import sys

from bench_handler import Bench, main
from bench_ocr import DEFAULT_SETS
from image_audit.local import repository_root

KEYWORD = Bench(
    api="keyword",
    event=repository_root() / "tests" / "events" / "apiGatewayProxyEventKeywordAliyun.json",
    goal_ratio=0.6,
    default_sets=DEFAULT_SETS,
    default_limit=50,
    no_sets_hint="run `make eval-keyword` (makes the set) or pass --images DIR",
)

if __name__ == "__main__":
    sys.exit(main(KEYWORD, __doc__.split("\n\n")[0]))
