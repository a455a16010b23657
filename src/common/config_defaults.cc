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
extra_area_codes = "645,350" # NANP area codes newer than libphonenumber's metadata, accepted as valid

[server]
listen = "127.0.0.1:8080"
web_root = ""           # folder of built web assets; empty = <install>/web/dist
session_ttl_minutes = 720
max_body_bytes = 10485760
cookie_secure = false   # add "Secure" to the session cookie (set when served behind TLS)
argon2_t_cost = 3       # Argon2id iterations for password hashes
argon2_m_kib = 65536    # Argon2id memory in KiB (64 MiB; tests use less)
login_max_failures = 5  # consecutive wrong passwords before the account locks
lockout_minutes = 15    # how long a locked account stays locked
login_per_minute = 20   # login attempts per client address a minute
rate_limit_per_second = 50.0  # API requests per client address a second (0 = no limit)
rate_limit_burst = 200.0      # requests a client may burst above the rate
ws_idle_timeout_s = 75  # a WebSocket with no traffic (server pings it) for this long is closed
wrap_up_seconds = 15    # after a disposition, the caller's wrap-up time before ready again
simulate_calls = false  # connect ready callers to contacts with a simulated telephony port (demo/tests until SIP runs)
simulate_connect_ms = 1500    # delay from ready to a simulated connect
alert_abandon_pct = 2.5       # dashboard alert when abandonment over 24 h or 30 d reaches this (percent; the cap is 3)
alert_min_answered = 1        # ...with at least this many answered calls in the window

[sip]
enabled = false         # `clearline serve` dials over SIP (the Dialer runs in the daemon; the console takes real calls)
callers_file = ""       # caller SIP accounts, "caller_ref:password" lines; empty = DATA_DIR/sip-callers.txt if present
auto_login = ""         # comma-separated caller refs logged in to the first active campaign when their phone registers (bots)
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
amd = false             # answering-machine detection on autodialed calls of campaigns whose amd setting is "default" (docs/sip.md "AMD"; a campaign's amd "on"/"off" overrides it): machines are dispositioned machine, never bridged; the verdict comes within the 2 s grace (undecided = person)
recording_announcement_wav = "" # the recording announcement played where all-party consent is required (8 kHz mono WAV); empty = DATA_DIR/prompts/recording-announcement.wav if present, else the shipped data/prompts/recording-announcement.wav; a campaign's own: DATA_DIR/prompts/campaign-<id>-recording.wav
grace_from = "answer"   # what the 2 s grace counts from: answer (strictest; always for UK campaigns) | greeting_end (US TSR: the callee's completed greeting, as the edge hears it; from the answer until it is heard or if it never is)
wrap_up_max_s = 0       # a caller in wrap-up this long without a disposition: the call is dispositioned wrap_up_timeout and the caller paused (reason wrap_up_timeout; '*' on a SIP phone, or Ready in the console, resumes); 0 = no limit
customer_gone_tone = true # a caller's phone hears three short 1200 Hz beeps when the bridged customer hangs up (not when the caller ended the call)
media_timeout_s = 10    # no RTP on a bridged customer leg or an open caller leg for this long: the leg ends (media_timeout); 0 = off

[policy]
rules_dir = ""          # rule tables (*.toml); empty = DATA_DIR/rules if present, else the shipped data/rules
registry_dir = ""       # DNC registry snapshots; empty = DATA_DIR/dnc
retention_years = 5     # call and consent records are kept this long (R7: TSR 2024, 5 years)
geocode_area_codes = true # fill area code → state candidates from libphonenumber's offline geocoder

[pacing]
pacer = "clearline"     # see `clearline simulate --list-pacers`
tick_ms = 250
abandon_target_pct = 2.0
amd_when_idle = true    # our pacer places dials without AMD while more than 35 % of the callers wait for calls (AMD's false positives are abandons; docs/pacing.md "AMD by the callers' idle time"); false = AMD on every dial of a campaign that has it
ring_cut_max_people_loss = 0.1 # our pacer may ring shorter than the campaign's ring timeout (never under 15 s) while the line cap binds or its callers hear late answering machines, missing at most this share of the people the whole timeout reaches (docs/pacing.md "The ring cut"); 0 = no cut that misses anyone
)toml";
}

}  // namespace clearline
