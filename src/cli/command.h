// The `clearline` command line: one binary, subcommands registered by the
// cmd_*.cc files in this folder (each defines a static RegisterCommand).
//
// Exit codes (docs/cli.md): 0 ok; 1 error; 2 usage; 3 not found;
// 4 audit chain broken / data loss; 5 refused by policy (deny/defer, gate);
// 6 resource exhausted (disk full); 130 interrupted (Ctrl-C).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/json.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::cli {

struct GlobalOptions {
  std::string data_dir;  // --data-dir, else $CLEARLINE_DATA, else ./.data
  std::string config;    // --config FILE
  bool json = false;     // --json: one JSON object on stdout
};

// What a command needs at run time: resolved data dir, config, the store.
struct Context {
  std::string data_dir;
  Config config;
  SystemClock clock;
  std::unique_ptr<storage::SqliteStore> store;
  core::Actor actor;  // "cli:<user>"
};

// Resolves the data dir (creating it), loads config, opens and migrates the store.
Result<std::unique_ptr<Context>> openContext(const GlobalOptions& g);

using Registrar = std::function<void(CLI::App& root, GlobalOptions& g)>;
struct RegisterCommand {
  explicit RegisterCommand(Registrar r);
};

// Sets the process exit code for the command that ran.
void setExit(int code);
int exitCodeFor(const Status& s);
// Prints an error to stderr (and as {"error":{code,message,field}} on stdout with --json);
// returns the exit code for it.
int fail(const GlobalOptions& g, const Status& s);
// Prints `j` (pretty) on stdout.
void printJson(const Json& j);
// Adds --data-dir, --config, --json to a subcommand.
void addGlobalFlags(CLI::App* cmd, GlobalOptions& g);
// Set by the SIGINT handler; long commands poll it.
bool interrupted();

}  // namespace clearline::cli
