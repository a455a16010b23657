// clearline serve: the daemon (HTTP/WebSocket API, console, signalling loop).
#include <iostream>

#include "cli/command.h"
#include "daemon/daemon.h"

namespace clearline::cli {
namespace {

struct ServeOpts {
  std::string listen, web_root;
};

void registerServe(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<ServeOpts>();
  auto* cmd = root.add_subcommand("serve", "Run the daemon: API, caller console and dashboard, until SIGTERM/SIGINT");
  addGlobalFlags(cmd, g);
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default: server.listen; port 0 picks one)");
  cmd->add_option("--web-root", o->web_root, "Folder of built web assets (default: web/dist found near the binary)");
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
    (*ctx)->store.reset();
    Status st = daemon::runDaemon(d);
    if (!st.isOk()) return (void)fail(g, st);
  });
}

const RegisterCommand kRegister(registerServe);

}  // namespace
}  // namespace clearline::cli
