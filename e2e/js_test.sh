#!/usr/bin/env bash
# Runs one JavaScript end-to-end test (e2e/js/NAME.mjs) against a fresh `riik up`:
# node with the state root as an extra CA, RIIK and RIIK_DIR in its environment.
# The npm packages come from e2e/js/package-lock.json (scripts/install-deps: npm ci).
source "$(dirname "$0")/lib.sh"

NAME=${1:?usage: js_test.sh NAME}
JS="$(cd "$(dirname "$0")/js" && pwd)"
[ -d "$JS/node_modules/oauth4webapi" ] && [ -d "$JS/node_modules/@noble/curves" ] || fail "the npm packages are not installed (scripts/install-deps runs npm ci in e2e/js)"
DIR="$WORK/state"
# POPULATION: the registries' persons (the test may generate the same people again);
# UP_ARGS: more of riik up's options for this test (word-split), e.g. "--polls 75".
export POPULATION=${POPULATION:-200}
# shellcheck disable=SC2086
start_up "$DIR" --population "$POPULATION" ${UP_ARGS:-}
RIIK_DIR="$DIR" NODE_EXTRA_CA_CERTS="$DIR/trust/root.pem" node "$JS/$NAME.mjs" || fail "$NAME.mjs"
