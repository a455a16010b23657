// clearline init | config defaults | config show
#include <iostream>

#include "cli/command.h"

namespace clearline::cli {
namespace {

void registerConfig(CLI::App& root, GlobalOptions& g) {
  auto* init = root.add_subcommand("init", "Create the data directory and database (idempotent)");
  addGlobalFlags(init, g);
  init->callback([&g] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    std::string db = (*ctx)->store->db().path();
    if (g.json) {
      printJson(Json{{"data_dir", (*ctx)->data_dir}, {"database", db}});
    } else {
      std::cout << "data directory: " << (*ctx)->data_dir << "\ndatabase: " << db << "\n";
    }
  });

  auto* cfg = root.add_subcommand("config", "Show configuration");
  cfg->require_subcommand(1);
  cfg->add_subcommand("defaults", "Print every key with its default, as commented TOML")
      ->callback([] { std::cout << clearline::defaultConfigToml(); });
  auto* show = cfg->add_subcommand("show", "Print the effective configuration as JSON");
  addGlobalFlags(show, g);
  show->callback([&g] {
    auto c = Config::loadForDataDir(resolveDataDir(g.data_dir), g.config);
    if (!c.isOk()) return (void)fail(g, c.status());
    printJson(c->tree());
  });
}

const RegisterCommand kRegister(registerConfig);

}  // namespace
}  // namespace clearline::cli
