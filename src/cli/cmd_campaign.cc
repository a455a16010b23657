// clearline campaign create|list|show|update|activate|pause|resume|finish
#include <fstream>
#include <iostream>

#include "cli/command.h"

namespace clearline::cli {
namespace {

struct CampaignOpts {
  std::string name, purpose = "political", dial_mode, caller_id, callback_number, settings_file, org_name;
  int64_t id = 0, org = 0;
};

void printCampaign(const GlobalOptions& g, const core::Campaign& c) {
  if (g.json) {
    printJson(core::toJson(c));
  } else {
    std::cout << "campaign " << c.id.value << "  " << c.name << "  [" << core::toString(c.state)
              << ", " << core::toString(c.purpose) << ", " << core::toString(c.dial_mode) << "]\n";
  }
}

// The organisation to create a campaign in: --org ID, else --org-name (created if
// missing), else the only organisation, else a new "Default organisation".
Result<OrgId> resolveOrg(Context& ctx, const CampaignOpts& o) {
  auto& cs = ctx.store->campaigns();
  if (o.org) {
    ASSIGN_OR_RETURN(auto org, cs.getOrganisation(OrgId(o.org)));
    return org.id;
  }
  ASSIGN_OR_RETURN(auto orgs, cs.listOrganisations());
  if (!o.org_name.empty()) {
    for (auto& org : orgs)
      if (org.name == o.org_name) return org.id;
    ASSIGN_OR_RETURN(auto org, cs.createOrganisation(o.org_name, ctx.actor));
    return org.id;
  }
  if (orgs.size() == 1) return orgs[0].id;
  if (orgs.empty()) {
    ASSIGN_OR_RETURN(auto org, cs.createOrganisation("Default organisation", ctx.actor));
    return org.id;
  }
  return Status::invalidArgument("several organisations exist: pass --org ID or --org-name", "org");
}

Result<Json> readSettings(const std::string& file) {
  std::ifstream in(file);
  if (!in) return Status::notFound("cannot open " + file, "settings");
  Json j = Json::parse(in, nullptr, false);
  if (j.is_discarded()) return Status::invalidArgument(file + ": not valid JSON", "settings");
  return j;
}

void registerCampaign(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("campaign", "Create, inspect and change campaigns");
  cmd->require_subcommand(1);
  auto o = std::make_shared<CampaignOpts>();

  auto* create = cmd->add_subcommand("create", "Create a campaign (state: draft)");
  addGlobalFlags(create, g);
  create->add_option("--name", o->name, "Campaign name")->required();
  create->add_option("--purpose", o->purpose, "Purpose class: " + core::purposeClassNames())
      ->capture_default_str();
  create->add_option("--dial-mode", o->dial_mode, "Dial mode: " + core::dialModeNames());
  create->add_option("--caller-id", o->caller_id, "Caller ID presented (E.164)");
  create->add_option("--callback-number", o->callback_number, "Callback number that takes do-not-call requests (E.164)");
  create->add_option("--org", o->org, "Organisation id");
  create->add_option("--org-name", o->org_name, "Organisation name (created if missing)");
  create->add_option("--settings", o->settings_file, "JSON file with further campaign fields");
  create->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    auto org = resolveOrg(**ctx, *o);
    if (!org.isOk()) return (void)fail(g, org.status());
    auto purpose = core::parsePurposeClass(o->purpose);
    if (!purpose.isOk()) return (void)fail(g, purpose.status());
    core::Campaign c = core::newCampaign(o->name, *purpose);
    c.org_id = *org;
    if (!o->dial_mode.empty()) {
      auto m = core::parseDialMode(o->dial_mode);
      if (!m.isOk()) return (void)fail(g, m.status());
      c.dial_mode = *m;
    }
    if (!o->caller_id.empty()) c.caller_id = o->caller_id;
    if (!o->callback_number.empty()) c.callback_number = o->callback_number;
    if (!o->settings_file.empty()) {
      auto j = readSettings(o->settings_file);
      if (!j.isOk()) return (void)fail(g, j.status());
      if (auto st = core::applyJson(*j, c); !st.isOk()) return (void)fail(g, st);
    }
    auto created = (*ctx)->store->campaigns().createCampaign(c, (*ctx)->actor);
    if (!created.isOk()) return (void)fail(g, created.status());
    printCampaign(g, *created);
  });

  auto* list = cmd->add_subcommand("list", "List campaigns");
  addGlobalFlags(list, g);
  list->callback([&g] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    auto all = (*ctx)->store->campaigns().listCampaigns(OrgId());
    if (!all.isOk()) return (void)fail(g, all.status());
    if (g.json) {
      Json arr = Json::array();
      for (auto& c : *all) arr.push_back(core::toJson(c));
      printJson(Json{{"campaigns", arr}});
    } else {
      if (all->empty()) std::cout << "no campaigns yet: clearline campaign create --name NAME\n";
      for (auto& c : *all) printCampaign(g, c);
    }
  });

  auto* show = cmd->add_subcommand("show", "Show one campaign");
  addGlobalFlags(show, g);
  show->add_option("id", o->id, "Campaign id")->required();
  show->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    auto c = (*ctx)->store->campaigns().getCampaign(CampaignId(o->id));
    if (!c.isOk()) return (void)fail(g, c.status());
    if (g.json) {
      printJson(core::toJson(*c));
    } else {
      std::cout << core::toJson(*c).dump(2) << "\n";
    }
  });

  auto* update = cmd->add_subcommand("update", "Change campaign fields from a JSON file");
  addGlobalFlags(update, g);
  update->add_option("id", o->id, "Campaign id")->required();
  update->add_option("--settings", o->settings_file, "JSON file with the fields to change")->required();
  update->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    auto c = (*ctx)->store->campaigns().getCampaign(CampaignId(o->id));
    if (!c.isOk()) return (void)fail(g, c.status());
    auto j = readSettings(o->settings_file);
    if (!j.isOk()) return (void)fail(g, j.status());
    if (auto st = core::applyJson(*j, *c); !st.isOk()) return (void)fail(g, st);
    auto u = (*ctx)->store->campaigns().updateCampaign(*c, (*ctx)->actor);
    if (!u.isOk()) return (void)fail(g, u.status());
    printCampaign(g, *u);
  });

  for (auto [verb, ev] : {std::pair{"activate", core::CampaignEvent::kActivate},
                          std::pair{"pause", core::CampaignEvent::kPause},
                          std::pair{"resume", core::CampaignEvent::kResume},
                          std::pair{"finish", core::CampaignEvent::kFinish}}) {
    auto* sub = cmd->add_subcommand(verb, std::string("Lifecycle: ") + verb + " a campaign");
    addGlobalFlags(sub, g);
    sub->add_option("id", o->id, "Campaign id")->required();
    sub->callback([&g, o, ev = ev] {
      auto ctx = openContext(g);
      if (!ctx.isOk()) return (void)fail(g, ctx.status());
      auto c = (*ctx)->store->campaigns().changeCampaignState(CampaignId(o->id), ev, (*ctx)->actor);
      if (!c.isOk()) return (void)fail(g, c.status());
      // Caller ID is not enforced here (docs/compliance.md, R17a), but a
      // manager should know before the first call goes out.
      if (c->state == core::CampaignState::kActive && c->caller_id.empty())
        std::cerr << "clearline: warning: campaign " << c->id.value
                  << " has no caller ID: its calls will present none ('anonymous'); set one with "
                     "campaign update --settings (caller_id)\n";
      printCampaign(g, *c);
    });
  }
}

const RegisterCommand kRegister(registerCampaign);

}  // namespace
}  // namespace clearline::cli
