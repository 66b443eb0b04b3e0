"""Psoriasis API speed: the end-to-end handler against RapidOCR()'s default pipeline, side by side.

    PYTHONPATH=shared .venv/bin/python infra/bench_psoriasis.py                        # ~3 min
    PYTHONPATH=shared .venv/bin/python infra/bench_psoriasis.py --limit 0 --repeat 3   # every image

Images: the kit's real photos (../shared/data/real) and the held-out generated psoriasis set
(build/datasets/psoriasis_heldout, when present: ``infra/train_psoriasis.py`` makes it), at most
``--limit`` of each, spread evenly over the sorted file names (0: all of them).

For each image, in this one process and interleaved (the order alternates per image, so neither
always runs on a warm cache):

- **handler**: ``functions/psoriasis/app.py``'s ``lambda_handler`` with the API Gateway REST event
  of ``tests/events/apiGatewayProxyEventPsoriasisAliyun.json``, its body the Aliyun envelope
  carrying the image (base64, default options). Timed: everything the function does, from the event
  dict to the response: JSON and base64 parsing, the decode gate, the text detector, the
  measurements, both models, the body. An image the handler refuses is reported and left out.
- **RapidOCR()**: the plain default pipeline (detection, angle classification, recognition),
  called with the already decoded BGR array (decoding is not timed on this side, so the comparison
  leans in RapidOCR's favour).

Each is timed ``--repeat`` times per image (median kept), every run after ``--gap`` seconds idle:
onnxruntime's thread pools keep spinning after a run (RapidOCR's do, by default) and would slow
whatever runs next (``infra/bench_ocr.py`` documents the effect). Printed: median, p95 and mean of
both and their ratios (goal: handler median <= 0.5 x RapidOCR's), per set and over all images.

Then, in fresh interpreters (a new Lambda execution environment each), for both: cold start
(import, model load, first call on a 600x600 card; ``--cold-repeat`` times, median) and peak RSS
(the process's VmHWM) for one 4000x4000 photo-like input with text, after the first call and after
a second one. The handler side runs ``infra/bench_cold_start.py``'s child (import the function,
build the OCR engine and load the psoriasis model as Init would, then a direct invocation with the
encoded image); the RapidOCR side runs ``infra/bench_ocr.py``'s child (the decoded array loaded
from .npy). The run itself is ``infra/bench_handler.py``, given the psoriasis function and event.
"""

from __future__ import annotations

import sys

from bench_handler import Bench, main
from image_audit.local import repository_root

ROOT = repository_root()
KIT_REAL = ROOT.parent / "shared" / "data" / "real"
HELDOUT = ROOT / "build" / "datasets" / "psoriasis_heldout"
PSORIASIS = Bench(
    api="psoriasis",
    event=ROOT / "tests" / "events" / "apiGatewayProxyEventPsoriasisAliyun.json",
    goal_ratio=0.5,
    default_sets=(KIT_REAL, HELDOUT),
)

if __name__ == "__main__":
    sys.exit(main(PSORIASIS, __doc__.split("\n\n")[0]))
