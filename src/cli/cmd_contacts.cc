// clearline contacts list|show
#include <iostream>

#include "cli/command.h"
#include "storage/sqlite/sqlite_contact_store.h"

namespace clearline::cli {
namespace {

struct ContactsOpts {
  int64_t campaign = 0, after = 0, id = 0;
  int limit = 50;
};

void printContactLine(const core::Contact& c) {
  std::cout << c.id.value << "  " << c.first_name << " " << c.last_name;
  if (!c.external_id.empty()) std::cout << "  [" << c.external_id << "]";
  for (auto& p : c.phones) std::cout << "  " << p.e164 << " (" << core::toString(p.line_type) << ")";
  if (!c.city.empty() || !c.state.empty()) std::cout << "  " << c.city << (c.state.empty() ? "" : ", ") << c.state;
  std::cout << "  line " << c.source_line << "\n";
}

void registerContacts(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("contacts", "List and inspect imported contacts");
  cmd->require_subcommand(1);
  auto o = std::make_shared<ContactsOpts>();

  auto* list = cmd->add_subcommand("list", "List contacts, oldest first, a page at a time");
  addGlobalFlags(list, g);
  list->add_option("--campaign", o->campaign, "Only this campaign");
  list->add_option("--after", o->after, "Start after this contact id (the previous page's next_after)");
  list->add_option("--limit", o->limit, "Contacts a page (1-1000)")->capture_default_str();
  list->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    if (o->limit < 1 || o->limit > 1000) {
      return (void)fail(g, Status::invalidArgument("--limit must be between 1 and 1000", "limit"));
    }
    storage::SqliteContactStore store((*ctx)->store->db(), (*ctx)->clock);
    if (o->campaign) {
      auto c = (*ctx)->store->campaigns().getCampaign(CampaignId(o->campaign));
      if (!c.isOk()) return (void)fail(g, c.status());
    }
    auto page = store.listContacts(CampaignId(o->campaign), o->after, o->limit);
    if (!page.isOk()) return (void)fail(g, page.status());
    auto total = store.countContacts(CampaignId(o->campaign));
    if (!total.isOk()) return (void)fail(g, total.status());
    int64_t next_after = page->empty() ? 0 : page->back().id.value;
    bool more = static_cast<int>(page->size()) == o->limit;
    if (g.json) {
      Json arr = Json::array();
      for (auto& c : *page) arr.push_back(core::toJson(c));
      Json j{{"contacts", arr}, {"total", *total}, {"count", page->size()}};
      j["next_after"] = more ? Json(next_after) : Json(nullptr);
      return printJson(j);
    }
    if (page->empty()) std::cout << "no contacts" << (o->after ? " after " + std::to_string(o->after) : "") << "\n";
    for (auto& c : *page) printContactLine(c);
    if (more) {
      std::cout << "… " << *total << " in all; next page: clearline contacts list"
                << (o->campaign ? " --campaign " + std::to_string(o->campaign) : "") << " --after " << next_after
                << "\n";
    }
  });

  auto* show = cmd->add_subcommand("show", "Show one contact with its phones");
  addGlobalFlags(show, g);
  show->add_option("id", o->id, "Contact id")->required();
  show->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    storage::SqliteContactStore store((*ctx)->store->db(), (*ctx)->clock);
    auto c = store.getContact(ContactId(o->id));
    if (!c.isOk()) return (void)fail(g, c.status());
    if (g.json) return printJson(core::toJson(*c));
    std::cout << core::toJson(*c).dump(2) << "\n";
  });
}

const RegisterCommand kRegister(registerContacts);

}  // namespace
}  // namespace clearline::cli
