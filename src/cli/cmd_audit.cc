// clearline audit verify|export
#include <fstream>
#include <iostream>

#include "cli/command.h"

namespace clearline::cli {
namespace {

void registerAudit(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("audit", "Verify or export the tamper-evident audit chain");
  cmd->require_subcommand(1);
  auto out_file = std::make_shared<std::string>();

  auto* verify = cmd->add_subcommand(
      "verify", "Recompute every hash; exit 0 if intact, 4 naming the first broken link");
  addGlobalFlags(verify, g);
  verify->callback([&g] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    core::AuditVerifier v;
    Status st = (*ctx)->store->auditLog().scan(1, [&](const core::AuditEvent& e) { return v.next(e); });
    if (!st.isOk()) {
      if (g.json) {
        printJson(Json{{"ok", false}, {"checked", v.checked()}, {"error", st.message()}});
      }
      std::cerr << "clearline: " << st.message() << "\n";
      return setExit(exitCodeFor(st));
    }
    if (g.json) {
      printJson(Json{{"ok", true}, {"events", v.checked()}, {"head_hash", v.headHash()}});
    } else {
      std::cout << "audit chain intact: " << v.checked() << " events, head " << v.headHash() << "\n";
    }
  });

  auto* exp = cmd->add_subcommand(
      "export", "Write the chain as JSON lines an outsider can verify (docs/audit.md)");
  addGlobalFlags(exp, g);
  exp->add_option("-o,--output", *out_file, "Output file (default: standard output)");
  exp->callback([&g, out_file] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    std::ofstream f;
    std::ostream* out = &std::cout;
    if (!out_file->empty()) {
      f.open(*out_file);
      if (!f) return (void)fail(g, Status::unavailable("cannot write " + *out_file));
      out = &f;
    }
    int64_t n = 0;
    Status st = (*ctx)->store->auditLog().scan(1, [&](const core::AuditEvent& e) {
      *out << canonicalJson(core::exportLine(e)) << "\n";
      ++n;
      return Status::ok();
    });
    if (!st.isOk()) return (void)fail(g, st);
    out->flush();
    if (!*out) return (void)fail(g, Status::resourceExhausted("write failed (disk full?)"));
    if (!out_file->empty()) std::cerr << "exported " << n << " events to " << *out_file << "\n";
  });
}

const RegisterCommand kRegister(registerAudit);

}  // namespace
}  // namespace clearline::cli
