// clearline: the command-line entry point. Subcommands live in cmd_*.cc.
#include <csignal>
#include <iostream>
#include <vector>

#include "cli/command.h"
#include "common/log.h"

namespace clearline::cli {

namespace {
std::vector<Registrar>& registrars() {
  static std::vector<Registrar> r;
  return r;
}
int g_exit = 0;
volatile std::sig_atomic_t g_interrupted = 0;
void onSigint(int) { g_interrupted = 1; }
}  // namespace

RegisterCommand::RegisterCommand(Registrar r) { registrars().push_back(std::move(r)); }
void setExit(int code) { g_exit = code; }
bool interrupted() { return g_interrupted != 0; }

int exitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kDataLoss: return 4;
    case StatusCode::kPermissionDenied:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
      return 5;
    case StatusCode::kResourceExhausted: return 6;
    case StatusCode::kCancelled: return 130;
    default: return 1;
  }
}

int fail(const GlobalOptions& g, const Status& s) {
  std::cerr << "clearline: " << s.message();
  if (!s.field().empty()) std::cerr << " [" << s.field() << "]";
  std::cerr << "\n";
  if (g.json) {
    Json e{{"code", statusCodeName(s.code())}, {"message", s.message()}};
    if (!s.field().empty()) e["field"] = s.field();
    std::cout << Json{{"error", e}}.dump(2) << "\n";
  }
  int code = exitCodeFor(s);
  setExit(code);
  return code;
}

void printJson(const Json& j) { std::cout << j.dump(2, ' ', false, Json::error_handler_t::replace) << "\n"; }

void addGlobalFlags(CLI::App* cmd, GlobalOptions& g) {
  cmd->add_option("--data-dir", g.data_dir,
                  "Data directory (default: $CLEARLINE_DATA, else ./.data)");
  cmd->add_option("--config", g.config, "Extra TOML config file (see `clearline config defaults`)");
  cmd->add_flag("--json", g.json, "Print one JSON object on stdout");
}

Result<std::unique_ptr<Context>> openContext(const GlobalOptions& g) {
  auto ctx = std::make_unique<Context>();
  ctx->data_dir = resolveDataDir(g.data_dir);
  std::error_code ec;
  std::filesystem::create_directories(ctx->data_dir, ec);
  if (ec) return Status::unavailable("cannot create data directory " + ctx->data_dir + ": " + ec.message());
  ASSIGN_OR_RETURN(ctx->config, Config::loadForDataDir(ctx->data_dir, g.config));
  std::string db_file = ctx->config.getString("store.sqlite_file");
  std::filesystem::path db_path = std::filesystem::path(ctx->data_dir) / db_file;
  ASSIGN_OR_RETURN(ctx->store, storage::SqliteStore::open(db_path.string(), ctx->clock,
                                                          static_cast<int>(ctx->config.getInt("store.busy_timeout_ms"))));
  const char* user = std::getenv("USER");
  ctx->actor.id = std::string("cli:") + (user && *user ? user : "local");
  return ctx;
}

}  // namespace clearline::cli

int main(int argc, char** argv) {
  using namespace clearline::cli;
  CLI::App app{
      "Clearline: outbound calling that obeys the law at dial time and knows who made every call.\n"
      "Every command takes --data-dir DIR (default $CLEARLINE_DATA, else ./.data), --config FILE "
      "and\n"
      "--json after its own name: clearline campaign list --data-dir DIR."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "clearline 0.1.0");
  GlobalOptions g;
  for (auto& r : registrars()) r(app, g);
  std::signal(SIGINT, onSigint);
  clearline::log::init(std::getenv("CLEARLINE_LOG") ? std::getenv("CLEARLINE_LOG") : "warn", false);
  // A first word that names no command (CLI11 would only say one is required).
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      known = known || sub->check_name(argv[1]);
    if (!known) {
      std::cerr << "clearline: unknown command '" << argv[1] << "' (see clearline --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0 with their text; every usage error (an
    // unknown flag, a missing or malformed value) is exit 2, as documented
    // (docs/cli.md), with {"error": …} on stdout under --json.
    const int rc = app.exit(e);
    if (rc == 0) return 0;
    for (int i = 1; i < argc; ++i) {
      if (std::string_view(argv[i]) != "--json") continue;
      clearline::Json err{{"code", "invalid_argument"}, {"message", e.what()}};
      std::cout << clearline::Json{{"error", err}}.dump(2) << "\n";
      break;
    }
    return 2;
  }
  return g_exit;
}
