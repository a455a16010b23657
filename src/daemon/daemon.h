// The daemon's composition root (`clearline serve`): one process that wires the
// store, the signalling loop, the console desk, the WebSocket hub, metrics and
// the HTTP API, then runs until SIGTERM or SIGINT and shuts down in order
// (stop accepting → stop the loop → close the store).
//
// Threads: the calling thread waits for signals; the signalling loop
// (StdEventLoop today; the SIP engineer swaps in LibreLoop) runs on its own
// thread; a store worker thread serves the loop's store work; the API has its
// network and store threads (api/server.h); a probe thread measures loop latency.
#pragma once

#include <string>

#include "common/config.h"
#include "common/status.h"

namespace clearline::daemon {

struct DaemonOptions {
  std::string data_dir;
  Config config;
  std::string listen;    // "127.0.0.1:8080"; empty = server.listen
  std::string web_root;  // empty = server.web_root, else found next to the binary
  // Called once the server listens (tests and `serve` print the address).
  std::function<void(const std::string& address)> on_listening;
};

// Runs until SIGTERM/SIGINT. Returns OK after a clean shutdown.
Status runDaemon(const DaemonOptions& opt);

// The folder of built web assets: `configured` if set, else web/dist found
// upward from the executable's folder or the current directory ("" if none).
std::string findWebRoot(const std::string& configured);

}  // namespace clearline::daemon
