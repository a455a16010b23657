// clearline serve: the daemon (HTTP/WebSocket API, console, signalling loop).
#include <iostream>

#include "cli/command.h"
#include "daemon/daemon.h"

namespace clearline::cli {
namespace {

struct ServeOpts {
  std::string listen, web_root;
  int64_t clock_offset_s = 0;
};

void registerServe(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<ServeOpts>();
  auto* cmd = root.add_subcommand(
      "serve",
      "Run the daemon until SIGTERM/SIGINT: the API, the caller console and the dashboard, and with\n"
      "[sip] enabled = true the SIP dialer (trunk, callers' phones, every active campaign).");
  addGlobalFlags(cmd, g);
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default: server.listen; port 0 picks one)");
  cmd->add_option("--web-root", o->web_root, "Folder of built web assets (default: web/dist found near the binary)");
  cmd->add_option("--clock-offset-s", o->clock_offset_s,
                  "Tests only, with [sip] on loopback: the daemon's clock runs this many seconds from the system "
                  "clock (to dial within calling hours whatever the hour of the run)");
  cmd->callback([&g, o] {
    auto ctx = openContext(g);  // creates the data dir and applies migrations once
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    daemon::DaemonOptions d;
    d.data_dir = (*ctx)->data_dir;
    d.config = (*ctx)->config;
    d.listen = o->listen;
    d.web_root = o->web_root;
    d.on_listening = [&g](const std::string& addr) {
      if (g.json) std::cout << Json{{"listening", addr}}.dump() << std::endl;
      else std::cout << "clearline: listening on " << addr << std::endl;
    };
    OffsetClock clock(Millis(o->clock_offset_s * 1000));
    if (o->clock_offset_s != 0) {
      const Config& c = d.config;
      auto loopback = [](const std::string& h) { return h.rfind("127.", 0) == 0 || h == "localhost"; };
      if (!loopback(c.getString("sip.trunk_host")) || !loopback(c.getString("sip.listen")))
        return (void)fail(g, Status::invalidArgument("--clock-offset-s is only for tests on loopback (sip.trunk_host and "
                                                     "sip.listen must be 127.x)", "clock-offset-s"));
      std::cerr << "clearline serve: TEST CLOCK, " << o->clock_offset_s << " s from the system clock\n";
      d.clock = &clock;
    }
    (*ctx)->store.reset();
    Status st = daemon::runDaemon(d);
    if (!st.isOk()) return (void)fail(g, st);
  });
}

const RegisterCommand kRegister(registerServe);

}  // namespace
}  // namespace clearline::cli
