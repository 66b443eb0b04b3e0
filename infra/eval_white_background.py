"""White-background accuracy on labelled folders (format of ../shared/data/real/).

    python infra/eval_white_background.py            # the kit's real images (+ generated set if built)
    python infra/eval_white_background.py --data DIR [DIR ...]   # folders with labels_white_background.csv

Each image goes through the real handler (a direct invocation with a native request, default
options), so the figure is what users get. Labels other than 0/1 (e.g. "?") are skipped.
Prints accuracy, precision, recall, per-kind accuracy and every miss with the handler's reasons.
"""

from __future__ import annotations

import argparse
import base64
import csv
import sys
from collections import defaultdict
from pathlib import Path

from image_audit.local import LocalContext, load_handler, repository_root

DEFAULT_SETS = [
    repository_root().parent / "shared" / "data" / "real",
    repository_root() / "build" / "datasets" / "white_background",
]


def evaluate(folder: Path) -> dict[str, float]:
    handler = load_handler("white_background")
    rows = list(csv.DictReader((folder / "labels_white_background.csv").open(encoding="utf-8")))
    counts = {"tp": 0, "tn": 0, "fp": 0, "fn": 0}
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for row in rows:
        if row["label"] not in ("0", "1"):
            continue
        image = base64.b64encode((folder / row["file"]).read_bytes()).decode()
        answer = handler({"image": image}, LocalContext())
        if "error" in answer:
            misses.append(f"  {row['file']}: error {answer['error']['code']}")
            predicted = 0
        else:
            predicted = int(answer["result"]["is_white"])
        truth = int(row["label"])
        key = ("t" if predicted == truth else "f") + ("p" if predicted else "n")
        counts[key] += 1
        per_kind[row.get("kind", "")][0] += predicted == truth
        per_kind[row.get("kind", "")][1] += 1
        if predicted != truth and "error" not in answer:
            reasons = "; ".join(answer["result"]["reasons"]) or "judged white"
            misses.append(f"  {row['file']} (label {truth}, {row.get('kind', '')}): {reasons}")
    total = sum(counts.values())
    accuracy = (counts["tp"] + counts["tn"]) / total
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    print(f"\n== {folder}  ({total} labelled images)")
    print(
        f"accuracy {accuracy:.3f}  precision(white) {precision:.3f}  recall(white) {recall:.3f}  "
        f"tp={counts['tp']} tn={counts['tn']} fp={counts['fp']} fn={counts['fn']}"
    )
    print("per kind: " + ", ".join(f"{kind} {ok}/{n}" for kind, (ok, n) in sorted(per_kind.items())))
    if misses:
        print("misses:\n" + "\n".join(misses))
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "n": float(total)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", type=Path)
    args = parser.parse_args(argv)
    folders = args.data or [d for d in DEFAULT_SETS if (d / "labels_white_background.csv").exists()]
    if not folders:
        print("no labelled folder found (expected ../shared/data/real)", file=sys.stderr)
        return 2
    for folder in folders:
        evaluate(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
