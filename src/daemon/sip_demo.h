// The live part of `clearline demo`: starts clearline-carrier (a simulated
// trunk) and clearline-agentbot callers as child processes on loopback, runs
// the SIP Dialer in this process for the given minutes against the data
// dir's active campaigns, stops everything it started and returns a JSON
// summary (calls_placed, calls_bridged, abandoned, safe_harbor_played,
// callers_refused, audit_ok, …). Runs on the calling thread (it becomes the
// LibreLoop thread); the process must not run another LibreLoop.
#pragma once

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
  double minutes = 2.0;
  int callers = 10;
  std::string tools_dir;    // where clearline-carrier / clearline-agentbot are; "" = next to this binary
  uint64_t seed = 2026;
  double time_scale = 0.25; // carrier time compression (ring, talk)
  Millis clock_offset{0};   // tests: the dialer's clock runs this far from the system clock (loopback only)
};

Result<Json> runLiveSipDemo(const LiveDemoOptions& opt);

}  // namespace clearline::daemon
