#include "common/config.h"

namespace clearline {

// Every configuration key, its default and its meaning. Keep docs/config.md in step.
const char* defaultConfigToml() {
  return R"toml(# Clearline configuration. Every key is shown with its default.
# Put overrides in DATA_DIR/clearline.toml or pass --config FILE.

[log]
level = "info"          # trace | debug | info | warn | error | off
json = false            # one JSON object a line instead of human-readable lines

[store]
backend = "sqlite"      # sqlite (embedded default) | postgres
sqlite_file = "clearline.db"   # relative to the data directory
postgres_conninfo = ""  # libpq conninfo, used when backend = "postgres"
busy_timeout_ms = 5000

[import]
default_region = "US"   # region for numbers written without a country code (ISO 3166 alpha-2)
dedupe_scope = "campaign" # list | campaign | organisation
batch_rows = 5000       # rows a transaction; resumable imports commit after each batch

[server]
listen = "127.0.0.1:8080"
web_root = ""           # folder of built web assets; empty = <install>/web/dist
session_ttl_minutes = 720
max_body_bytes = 10485760

[sip]
listen = "127.0.0.1:5060"
trunk_host = "127.0.0.1"
trunk_port = 5070
trunk_transport = "udp" # udp | tcp
trunk_username = ""
trunk_password = ""
ring_timeout_s = 30     # never below 15 (R5)
rtp_port_min = 20000
rtp_port_max = 29999
options_interval_s = 10

[pacing]
pacer = "clearline"     # see `clearline simulate --list-pacers`
tick_ms = 250
abandon_target_pct = 2.0
)toml";
}

}  // namespace clearline
