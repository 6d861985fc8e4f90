#!/usr/bin/env bash
# Start Label Studio for govner (installed by scripts/setup_labelstudio.sh), in the foreground:
#   bash scripts/labelstudio.sh [--port 8080] [--internal-host 127.0.0.1] [--data-dir DIR] [label-studio start options]
# It listens on 127.0.0.1 only (--internal-host 0.0.0.0 opens it to other machines; Label Studio's
# --host only names its public URL) and keeps its database and uploads in labelstudio-data/ of
# the checkout (--data-dir DIR: elsewhere). The first start in a data dir creates the login
# $LABEL_STUDIO_USERNAME / $LABEL_STUDIO_PASSWORD with the API token $LABEL_STUDIO_API_KEY
# (generated and printed when unset); later starts need none of them.
# Set for Label Studio unless already set: no error reports or analytics sent out (SENTRY_DSN,
# FRONTEND_SENTRY_DSN, COLLECT_ANALYTICS, LATEST_VERSION_CHECK) and, when it listens on loopback,
# ML backends on this machine allowed (ML_BLOCK_LOCAL_IP, SSRF_PROTECTION_ENABLED: see README).
# $LABEL_STUDIO_BIN overrides the executable.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${LABEL_STUDIO_BIN:-$ROOT/.venv-labelstudio/bin/label-studio}
if [ ! -x "$BIN" ]; then
    echo "labelstudio.sh: no Label Studio at $BIN: run 'bash scripts/setup_labelstudio.sh' first" >&2
    exit 2
fi

PORT=8080 HOST=127.0.0.1 DATA_DIR=$ROOT/labelstudio-data
PASS=()
while [ $# -gt 0 ]; do
    case $1 in
        --port|-p) PORT=$2; shift 2 ;;
        --internal-host) HOST=$2; shift 2 ;;
        --data-dir) DATA_DIR=$2; shift 2 ;;
        --port=*) PORT=${1#*=}; shift ;;
        --internal-host=*) HOST=${1#*=}; shift ;;
        --data-dir=*) DATA_DIR=${1#*=}; shift ;;
        *) PASS+=("$1"); shift ;;
    esac
done
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)

USER_ARGS=(--enable-legacy-api-token)  # read when the organization is created, at the first start
if [ ! -e "$DATA_DIR/label_studio.sqlite3" ]; then
    if [ -z "${LABEL_STUDIO_USERNAME:-}" ] || [ -z "${LABEL_STUDIO_PASSWORD:-}" ]; then
        echo "labelstudio.sh: first start in $DATA_DIR: set LABEL_STUDIO_USERNAME (an email) and" \
            "LABEL_STUDIO_PASSWORD, the login to create (and LABEL_STUDIO_API_KEY, its API token; generated if unset)" >&2
        exit 2
    fi
    if [ -z "${LABEL_STUDIO_API_KEY:-}" ]; then
        LABEL_STUDIO_API_KEY=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
        echo "labelstudio.sh: API token of $LABEL_STUDIO_USERNAME (keep it): export LABEL_STUDIO_API_KEY=$LABEL_STUDIO_API_KEY"
    fi
    USER_ARGS+=(--username "$LABEL_STUDIO_USERNAME" --password "$LABEL_STUDIO_PASSWORD" --user-token "$LABEL_STUDIO_API_KEY")
fi

export LABEL_STUDIO_BASE_DATA_DIR=$DATA_DIR
export SENTRY_DSN=${SENTRY_DSN-} FRONTEND_SENTRY_DSN=${FRONTEND_SENTRY_DSN-}
export COLLECT_ANALYTICS=${COLLECT_ANALYTICS-false} LATEST_VERSION_CHECK=${LATEST_VERSION_CHECK-false}
case $HOST in
    127.*|localhost|::1)
        export ML_BLOCK_LOCAL_IP=${ML_BLOCK_LOCAL_IP-false} SSRF_PROTECTION_ENABLED=${SSRF_PROTECTION_ENABLED-false} ;;
esac
echo "labelstudio.sh: Label Studio on http://$HOST:$PORT, data in $DATA_DIR"
# The project's venv must not leak into Label Studio's: it pins its own label-studio-sdk and Django.
exec env -u PYTHONPATH -u VIRTUAL_ENV "$BIN" start --no-browser --data-dir "$DATA_DIR" --port "$PORT" \
    --internal-host "$HOST" "${USER_ARGS[@]}" ${PASS[@]+"${PASS[@]}"}
