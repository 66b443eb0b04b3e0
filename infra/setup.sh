#!/usr/bin/env bash
# One-stop set-up used by `make run` and `make test` (and so by CI on a clean clone):
#   - CJK fonts for the synthetic data generators (Debian packages, only when missing);
#   - a .venv at the repo root on Python 3.12 (Lambda's runtime) when available;
#   - every Python dependency, with rapidocr-onnxruntime installed --no-deps beside
#     opencv-python-headless (its declared GUI opencv needs libGL, which Lambda lacks).
# Re-running is cheap: a stamp file keyed on the requirement files skips pip when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

FONT_PACKAGES=(fonts-noto-cjk fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai
               fonts-arphic-uming fonts-lxgw-wenkai fonts-cwtex-yen fonts-cwtex-heib)
missing=()
for pkg in "${FONT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing fonts: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: warning: fonts missing (${missing[*]}); synthetic data will use fewer fonts" >&2
  fi
fi

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  # Prefer 3.12 (Lambda's runtime); pyenv installs it without putting it on PATH.
  for candidate in python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
      PYTHON=$candidate; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "setup: need Python >= 3.11" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

RAPIDOCR="rapidocr-onnxruntime==1.4.4"
stamp=.venv/.requirements.sha256
want=$(cat requirements-dev.txt shared/requirements.txt infra/requirements-models.txt <(echo "$RAPIDOCR") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  .venv/bin/python -m pip install -q --no-deps "$RAPIDOCR"
  # A stray GUI opencv (pulled in by anything else) would shadow the headless cv2.
  .venv/bin/python -m pip uninstall -q -y opencv-python >/dev/null 2>&1 || true
  echo "$want" > "$stamp"
fi
