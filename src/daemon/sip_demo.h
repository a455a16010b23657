// The live part of `clearline demo`: starts clearline-carrier (a simulated
// trunk) and clearline-agentbot callers as child processes on loopback, runs
// the daemon (`clearline serve` with the SIP Dialer, the API, the console
// and the dashboard; daemon.h) in this process against the data dir's active
// campaigns for the given minutes or until SIGINT/SIGTERM, stops everything
// it started and returns a JSON summary (calls_placed, calls_bridged,
// abandoned, safe_harbor_played, callers_refused, audit_ok, …). The process
// must not run another LibreLoop.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::daemon {

struct LiveDemoOptions {
  Config config = Config::defaults();  // [policy] for the dialer's compliance engine
  std::string data_dir;
  std::string db_path;      // the SQLite file
  double minutes = 2.0;     // 0 = until SIGINT/SIGTERM
  int callers = 10;         // caller bots demo-caller1..N (password demo-secret), logged in automatically
  // SIP accounts for people (caller_ref → password): not run by a bot, they log
  // in from the caller console with any SIP phone registered to `sip`.
  std::map<std::string, std::string> people;
  std::string listen = "127.0.0.1:0";  // the dashboard and API
  std::string web_root;                 // "" = web/dist found near the binary
  uint16_t sip_port = 0;                // 0 = a free port
  // Called once everything runs: the dashboard URL and the SIP registrar address.
  std::function<void(const std::string& url, const std::string& sip)> on_running;
  std::string tools_dir;    // where clearline-carrier / clearline-agentbot are; "" = next to this binary
  uint64_t seed = 2026;
  double time_scale = 0.25; // carrier time compression (ring, talk)
  // The pacer (core/pacing/registry.h) and its knob; "" = [pacing] pacer of `config`
  // (default: ours, "clearline"), knob 0 = the pacer's default.
  std::string pacer;
  double pacer_knob = 0;
  Millis clock_offset{0};   // tests: the dialer's clock runs this far from the system clock (loopback only)
};

Result<Json> runLiveSipDemo(const LiveDemoOptions& opt);

}  // namespace clearline::daemon
