#!/usr/bin/env bash
# Start the Graph emulator in the foreground (Ctrl-C stops it).
#
#   scripts/emulator.sh --help    # arguments go to the emulator
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv
cd "$ROOT"
export PYTHONPATH=$ROOT/emulator${PYTHONPATH:+:$PYTHONPATH}
exec "$VENV/bin/python" -m graph_emulator "$@"
