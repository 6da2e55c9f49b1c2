#!/usr/bin/env bash
# The README's service walk-through: two merchants, each with its own
# sandbox (its own Loop shop and CloudX account); `returns-sync` checks the
# connections, runs for RUN_SECONDS (default 30), and reports from its
# store. Run from anywhere: bash examples/scripts/service_demo.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cargo build -q --manifest-path "$ROOT/Cargo.toml" -p bergen-sandbox --bin bergen-sandbox
cargo build -q --manifest-path "$ROOT/Cargo.toml" -p returns-sync --features cli --bin returns-sync
BIN=$(cargo metadata --format-version 1 --no-deps --manifest-path "$ROOT/Cargo.toml" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['target_directory'])")/debug
WORK=$(mktemp -d)
cd "$WORK"
$BIN/bergen-sandbox --seed 42 --returns 40 --warehouse-every 1 --json > acme.json &
A=$!
$BIN/bergen-sandbox --seed 43 --returns 25 --warehouse-every 1 --json > globex.json &
G=$!
trap 'kill $A $G 2>/dev/null || true; rm -rf "$WORK"' EXIT
for f in acme.json globex.json; do until [ -s $f ] && python3 -c "import json;json.load(open('$f'))" 2>/dev/null; do sleep 0.2; done; done
j() { python3 -c "import json,sys;d=json.load(open('$1'));print(eval('d'+sys.argv[1]))" "$2"; }
cat > merchants.toml <<TOML
[store]
sqlite_dir = "state"

[webhooks]
listen = "127.0.0.1:8080"

[[merchants]]
id = "acme"
loop = { api_key_env = "ACME_LOOP_API_KEY", webhook_secret_env = "ACME_LOOP_WEBHOOK_SECRET", base_url = "$(j acme.json '["loop"]["base_url"]')" }
cloudx = { client_secret_env = "ACME_CLOUDX_SECRET", base_url = "$(j acme.json '["cloudx"]["base_url"]')" }

[merchants.settings]
warehouse_code = "BERGEN-NJ-01"
auto_process = true
excluded_sales_channels = ["Amazon"]

[merchants.options]
poll_interval = 5   # seconds (default 15 minutes), for the demo

[[merchants]]
id = "globex"
loop = { api_key_env = "GLOBEX_LOOP_API_KEY", webhook_secret_env = "GLOBEX_LOOP_WEBHOOK_SECRET", base_url = "$(j globex.json '["loop"]["base_url"]')" }
cloudx = { client_secret_env = "GLOBEX_CLOUDX_SECRET", base_url = "$(j globex.json '["cloudx"]["base_url"]')" }

[merchants.settings]
warehouse_code = "BERGEN-NJ-01"
auto_process = false

[merchants.options]
poll_interval = 5
TOML
export ACME_LOOP_API_KEY=$(j acme.json '["loop"]["api_key"]') ACME_CLOUDX_SECRET=$(j acme.json '["cloudx"]["client_secret"]')
export ACME_LOOP_WEBHOOK_SECRET=$(j acme.json '["loop"]["webhook_secret"]') GLOBEX_LOOP_WEBHOOK_SECRET=$(j globex.json '["loop"]["webhook_secret"]')
export GLOBEX_LOOP_API_KEY=$(j globex.json '["loop"]["api_key"]') GLOBEX_CLOUDX_SECRET=$(j globex.json '["cloudx"]["client_secret"]')
echo '$ returns-sync check --config merchants.toml'
$BIN/returns-sync check --config merchants.toml || true
echo
echo "\$ returns-sync run --config merchants.toml --seconds ${RUN_SECONDS:-30}   # log in run.log"
$BIN/returns-sync run --config merchants.toml --seconds "${RUN_SECONDS:-30}" > run.log 2>&1
echo
echo '$ returns-sync status --config merchants.toml'
$BIN/returns-sync status --config merchants.toml
ID=$(python3 - <<'PY'
import sqlite3
c=sqlite3.connect('state/acme.db')
print(c.execute("select return_id from tracked_returns where stage='decided' order by return_id limit 1").fetchone()[0])
PY
)
echo
echo "\$ returns-sync status --config merchants.toml --merchant acme --return $ID"
$BIN/returns-sync status --config merchants.toml --merchant acme --return $ID
