// clearline user create|list|token: accounts for the API and the consoles.
#include <iostream>

#include "api/accounts.h"
#include "api/api_service.h"
#include "cli/command.h"

namespace clearline::cli {
namespace {

struct UserOpts {
  std::string name, role, entity, token_name = "cli";
  bool password_stdin = false;
};

void registerUser(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<UserOpts>();
  auto* cmd = root.add_subcommand("user", "Create and list accounts (administrator, campaign_manager, vendor_supervisor, caller, auditor)");
  cmd->require_subcommand(1);

  auto* create = cmd->add_subcommand("create", "Create an account; the password is read from standard input");
  addGlobalFlags(create, g);
  create->add_option("--name", o->name, "Login name")->required();
  create->add_option("--role", o->role, "administrator | campaign_manager | vendor_supervisor | caller | auditor")->required();
  create->add_option("--entity", o->entity, "Vendor entity (vendor supervisors) or site (callers)");
  create->add_flag("--password-stdin", o->password_stdin, "Read the password from standard input (first line)")->required();
  create->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    auto role = api::parseRole(o->role);
    if (!role.isOk()) return (void)fail(g, role.status());
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    api::AccountStore accounts((*ctx)->store->db(), (*ctx)->clock);
    auto opts = api::ApiOptions::fromConfig((*ctx)->config);
    auto p = accounts.createUser(o->name, *role, o->entity, password, opts.argon2, (*ctx)->actor);
    if (!p.isOk()) return (void)fail(g, p.status());
    if (g.json) {
      printJson(Json{{"id", p->user_id.value}, {"name", p->name}, {"role", api::toString(p->role)},
                     {"entity_id", p->entity_id}});
    } else {
      std::cout << "user " << p->user_id.value << "  " << p->name << "  [" << api::toString(p->role) << "]\n";
    }
  });

  auto* list = cmd->add_subcommand("list", "List accounts");
  addGlobalFlags(list, g);
  list->callback([&g] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    api::AccountStore accounts((*ctx)->store->db(), (*ctx)->clock);
    auto users = accounts.listUsers();
    if (!users.isOk()) return (void)fail(g, users.status());
    Json arr = Json::array();
    for (auto& u : *users) {
      if (g.json) arr.push_back(Json{{"id", u.user_id.value}, {"name", u.name}, {"role", api::toString(u.role)},
                                     {"entity_id", u.entity_id}});
      else std::cout << "user " << u.user_id.value << "  " << u.name << "  [" << api::toString(u.role) << "]\n";
    }
    if (g.json) printJson(Json{{"users", arr}});
  });

  auto* token = cmd->add_subcommand("token", "Create an API token for an account (printed once)");
  addGlobalFlags(token, g);
  token->add_option("--name", o->name, "Login name")->required();
  token->add_option("--token-name", o->token_name, "A label for the token")->capture_default_str();
  token->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    api::AccountStore accounts((*ctx)->store->db(), (*ctx)->clock);
    auto users = accounts.listUsers();
    if (!users.isOk()) return (void)fail(g, users.status());
    for (auto& u : *users) {
      if (u.name != o->name) continue;
      auto t = accounts.createApiToken(u.user_id, o->token_name, (*ctx)->actor);
      if (!t.isOk()) return (void)fail(g, t.status());
      if (g.json) printJson(Json{{"token", *t}});
      else std::cout << *t << "\n";
      return;
    }
    (void)fail(g, Status::notFound("no user named '" + o->name + "'", "name"));
  });
}

const RegisterCommand kRegister(registerUser);

}  // namespace
}  // namespace clearline::cli
