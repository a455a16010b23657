// The daemon's composition root (`clearline serve`): one process that wires the
// store, the signalling loop, the console desk, the WebSocket hub, metrics and
// the HTTP API, then runs until SIGTERM or SIGINT and shuts down in order
// (stop accepting → stop the loop → close the store).
//
// Two ways to run the console (docs/architecture.md, "The daemon"):
//   - live over SIP ([sip] enabled = true, or DaemonOptions::dialer set): the
//     signalling loop is a LibreLoop running the Dialer (trunk, caller legs,
//     the campaign runtimes, policy, vendor gates) and the console is the
//     SipDesk onto it;
//   - without telephony: a StdEventLoop and the Desk (desk.h), which can
//     simulate connects (server.simulate_calls) for tests and UI work.
//
// Threads: the calling thread waits for signals; the signalling loop runs on
// its own thread (a LibreLoop is created, run and destroyed on it); without
// SIP a store worker thread serves the desk's store work; the API has its
// network and store threads (api/server.h); a probe thread measures loop latency.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/json.h"
#include "common/status.h"
#include "daemon/dialer.h"

namespace clearline::daemon {

struct DaemonOptions {
  std::string data_dir;
  Config config;
  std::string listen;    // "127.0.0.1:8080"; empty = server.listen
  std::string web_root;  // empty = server.web_root, else found next to the binary
  // Called once the server listens (tests and `serve` print the address).
  std::function<void(const std::string& address)> on_listening;
  // Live dialing over SIP with these options (the demo sets them); unset:
  // [sip] enabled decides, with dialerOptionsFromConfig, sip.callers_file and
  // sip.auto_login.
  std::optional<DialerOptions> dialer;
  const Clock* clock = nullptr;  // null = the system clock
  Millis run_for{0};             // > 0: shut down by itself after this long
  // After shutdown: the dialer's summary (null without SIP).
  std::function<void(const Json& summary)> on_stopped;
};

// The DialerOptions `serve` uses when [sip] enabled: [sip]/[pacing] from the
// configuration, caller SIP passwords from sip.callers_file (empty:
// DATA_DIR/sip-callers.txt if it exists), sip.auto_login (comma-separated).
Result<DialerOptions> serveDialerOptions(const Config& cfg, const std::string& data_dir);

// Runs until SIGTERM/SIGINT. Returns OK after a clean shutdown.
Status runDaemon(const DaemonOptions& opt);

// The folder of built web assets: `configured` if set, else web/dist found
// upward from the executable's folder or the current directory ("" if none).
std::string findWebRoot(const std::string& configured);

}  // namespace clearline::daemon
