// The HTTP + WebSocket server (Boost.Beast). The only file in Clearline that
// includes Beast/Asio for serving. Threads: one network thread runs the
// io_context (parsing, writing, WebSocket frames); one store thread runs
// ApiService::handle() (which touches SQLite), so a slow query never blocks
// sockets and neither ever runs on the signalling loop.
//
// WebSocket: GET /api/v1/events?since=SEQ&epoch=E upgrades, subscribes to the
// WsHub, and keeps the socket alive with server pings (Beast idle timeout):
// browsers answer pings even in throttled background tabs, so a console is
// never logged out by timer throttling. A client that falls far behind is
// disconnected and resumes from its last sequence number.
// Thread-safety: start()/stop() from one controlling thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/api_service.h"
#include "api/ws_hub.h"
#include "common/status.h"

namespace clearline::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;       // 0 = pick a free port
  size_t max_body_bytes = 10 << 20;
  int ws_idle_timeout_s = 75; // no pong/data for this long closes a socket
  size_t ws_max_queue = 20000; // frames queued for one slow client before it is dropped
};

class ApiServer {
 public:
  ApiServer(ServerOptions opt, ApiService& service, WsHub& hub);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts the network and store threads. Returns the bound port.
  Result<uint16_t> start();
  // Stops accepting, closes sockets, joins threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses "127.0.0.1:8080" (host may be a name or [v6]). Port 0 allowed.
Result<std::pair<std::string, uint16_t>> parseListen(const std::string& s);

}  // namespace clearline::api
