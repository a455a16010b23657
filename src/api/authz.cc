#include "api/authz.h"

#include "core/vendor/access.h"

namespace clearline::api {

std::string_view toString(Role r) {
  switch (r) {
    case Role::kAdministrator: return "administrator";
    case Role::kCampaignManager: return "campaign_manager";
    case Role::kVendorSupervisor: return "vendor_supervisor";
    case Role::kCaller: return "caller";
    case Role::kAuditor: return "auditor";
  }
  return "?";
}

const std::vector<Role>& allRoles() {
  static const std::vector<Role> v = {Role::kAdministrator, Role::kCampaignManager,
                                      Role::kVendorSupervisor, Role::kCaller, Role::kAuditor};
  return v;
}

Result<Role> parseRole(std::string_view s) {
  for (Role r : allRoles())
    if (toString(r) == s) return r;
  return Status::invalidArgument(
      "unknown role '" + std::string(s) +
          "' (administrator, campaign_manager, vendor_supervisor, caller, auditor)",
      "role");
}

std::string_view toString(Action a) {
  switch (a) {
    case Action::kPublic: return "public";
    case Action::kSelf: return "self";
    case Action::kCampaignRead: return "campaign.read";
    case Action::kCampaignWrite: return "campaign.write";
    case Action::kListRead: return "list.read";
    case Action::kListWrite: return "list.write";
    case Action::kContactRead: return "contact.read";
    case Action::kContactWrite: return "contact.write";
    case Action::kCallRead: return "call.read";
    case Action::kDisposition: return "call.disposition";
    case Action::kConsole: return "console";
    case Action::kLiveMetrics: return "live.metrics";
    case Action::kReportRead: return "report.read";
    case Action::kAuditRead: return "audit.read";
    case Action::kVendorRead: return "vendor.read";
    case Action::kVendorWrite: return "vendor.write";
    case Action::kUserAdmin: return "user.admin";
  }
  return "?";
}

const std::vector<Action>& allActions() {
  static const std::vector<Action> v = {
      Action::kPublic,      Action::kSelf,        Action::kCampaignRead, Action::kCampaignWrite,
      Action::kListRead,    Action::kListWrite,   Action::kContactRead,  Action::kContactWrite,
      Action::kCallRead,    Action::kDisposition, Action::kConsole,      Action::kLiveMetrics,
      Action::kReportRead,  Action::kAuditRead,   Action::kVendorRead,   Action::kVendorWrite,
      Action::kUserAdmin};
  return v;
}

namespace {

enum class Rule { kDeny, kAllow, kOwnEntity, kOwnCaller };

// The policy, as one table: rows are roles, columns actions.
Rule ruleFor(Role role, Action a) {
  if (a == Action::kPublic || a == Action::kSelf) return Rule::kAllow;
  switch (role) {
    case Role::kAdministrator:
      return Rule::kAllow;
    case Role::kCampaignManager:
      return a == Action::kUserAdmin || a == Action::kConsole ? Rule::kDeny : Rule::kAllow;
    case Role::kVendorSupervisor:
      switch (a) {
        case Action::kVendorRead:
        case Action::kVendorWrite:
        case Action::kLiveMetrics:
          return Rule::kOwnEntity;
        default:
          return Rule::kDeny;
      }
    case Role::kCaller:
      switch (a) {
        case Action::kConsole:
        case Action::kDisposition:
        case Action::kCallRead:
          return Rule::kOwnCaller;
        case Action::kCampaignRead:  // the campaigns it may pick (gates decide the rest)
          return Rule::kAllow;
        default:
          return Rule::kDeny;
      }
    case Role::kAuditor:
      switch (a) {
        case Action::kCampaignRead:
        case Action::kListRead:
        case Action::kCallRead:
        case Action::kReportRead:
        case Action::kAuditRead:
        case Action::kVendorRead:
        case Action::kLiveMetrics:
          return Rule::kAllow;
        default:
          return Rule::kDeny;
      }
  }
  return Rule::kDeny;
}

}  // namespace

AuthzDecision authorize(const Principal* p, Action action, const Target& target,
                        const EntityScope& scope) {
  if (action == Action::kPublic) return {true, "public"};
  if (p == nullptr) return {false, "log in first"};
  switch (ruleFor(p->role, action)) {
    case Rule::kAllow:
      return {true, "role allows"};
    case Rule::kDeny:
      return {false, "a " + std::string(toString(p->role)) + " may not " +
                         std::string(toString(action))};
    case Rule::kOwnEntity:
      // A vendor supervisor acts only on records inside its own subtree. A
      // request without an owner (a list) is allowed and filtered by the handler.
      if (!target.entity_id) return {true, "scoped list"};
      if (scope.withinSubtree(p->entity_id, *target.entity_id)) return {true, "own subtree"};
      return {false, "this record belongs to another vendor"};
    case Rule::kOwnCaller:
      if (!target.caller_ref) return {true, "own console"};
      if (*target.caller_ref == p->callerRef()) return {true, "own call"};
      return {false, "this call belongs to another caller"};
  }
  return {false, "denied"};
}

Status check(const Principal* p, Action action, const Target& target, const EntityScope& scope) {
  AuthzDecision d = authorize(p, action, target, scope);
  if (d.allowed) return Status::ok();
  if (p == nullptr) return Status::unauthenticated(d.reason);
  return Status::permissionDenied(d.reason);
}

void RegistryEntityScope::set(std::shared_ptr<const core::vendor::Registry> registry) {
  std::lock_guard<std::mutex> l(mu_);
  registry_ = std::move(registry);
}

bool RegistryEntityScope::withinSubtree(const std::string& root, const std::string& entity) const {
  if (root.empty() || entity.empty()) return false;
  if (root == entity) return true;
  std::shared_ptr<const core::vendor::Registry> reg;
  {
    std::lock_guard<std::mutex> l(mu_);
    reg = registry_;
  }
  if (!reg) return false;
  namespace v = core::vendor;
  const v::Principal who = v::Principal::vendor(root);
  return v::canAccess(*reg, who, v::RecordRef{v::RecordKind::kSite, entity},
                      v::AccessMode::kRead) ||
         v::canAccess(*reg, who, v::RecordRef{v::RecordKind::kEntity, entity},
                      v::AccessMode::kRead);
}

}  // namespace clearline::api
