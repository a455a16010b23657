// Roles, principals and THE authorization function. Every route names one
// Action; the server asks authorize() before running any handler, and handlers
// that load a record by id ask again with the record's owner (Target) filled in.
// Nothing else in the code base decides who may do what.
//
// Roles (issue 7): administrator (everything), campaign manager (campaigns,
// lists, contacts, vendor registry, reports, audit), vendor supervisor (its
// own entity's subtree only: sites, callers, vetting, its callers' live state),
// caller (the console: own calls and own state), auditor (read-only: audit,
// disclosure, reports, campaigns, the registry).
// Thread-safety: pure functions; EntityScope implementations must be thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ids.h"
#include "common/status.h"
#include "core/vendor/registry.h"

namespace clearline::api {

enum class Role { kAdministrator, kCampaignManager, kVendorSupervisor, kCaller, kAuditor };

std::string_view toString(Role r);
Result<Role> parseRole(std::string_view s);
const std::vector<Role>& allRoles();

// Who is asking: a logged-in user (session) or an API token's owner.
struct Principal {
  UserId user_id;
  std::string name;
  Role role = Role::kCaller;
  std::string entity_id;  // vendor supervisor: its entity; caller: its site ("" = none)
  bool via_token = false;
  // The caller reference used in call records and events: the user name.
  const std::string& callerRef() const { return name; }
};

enum class Action {
  kPublic,          // health, metrics, login, static assets: no principal needed
  kSelf,            // whoami, logout, own tokens, the event stream
  kCampaignRead,
  kCampaignWrite,   // create, update, lifecycle
  kListRead,        // lists, imports and their progress/rejects
  kListWrite,       // create lists, upload/import
  kContactRead,
  kContactWrite,
  kCallRead,        // call records; with Target.caller_ref for a caller's own call
  kDisposition,     // disposition/survey/callback on a call (Target.caller_ref = who took it)
  kConsole,         // join a campaign, ready, pause, dial (callers)
  kLiveMetrics,     // dashboard snapshot; vendors are scoped by Target.entity_id
  kReportRead,      // reports, disclosure, "why was this call allowed?"
  kAuditRead,       // audit export and verify
  kVendorRead,      // registry records; Target.entity_id scopes vendor supervisors
  kVendorWrite,
  kUserAdmin,       // create users, other users' tokens
};

std::string_view toString(Action a);
const std::vector<Action>& allActions();

// What the action touches, when it is one record: its owner.
struct Target {
  std::optional<std::string> entity_id;  // vendor entity / site that owns the record
  std::optional<std::string> caller_ref; // the caller a call or console belongs to
};

// Answers "is `entity` inside the subtree rooted at `root`?" (the vendor chain
// owns the tree: a vendor, its subcontractors, their sites).
class EntityScope {
 public:
  virtual ~EntityScope() = default;
  virtual bool withinSubtree(const std::string& root, const std::string& entity) const = 0;
};

// An entity's subtree is the entity itself (unit tests; a daemon uses RegistryEntityScope).
class FlatEntityScope final : public EntityScope {
 public:
  bool withinSubtree(const std::string& root, const std::string& entity) const override {
    return !root.empty() && root == entity;
  }
};

// The vendor chain's subtree (core/vendor/access.h): `entity` (a site or an
// entity) is within `root`'s when a vendor supervisor of `root` may read it —
// root itself, the entities engaged under it, the sites they operate. Over a
// registry snapshot the daemon replaces when the registry's generation moves.
// Thread-safe: set() and withinSubtree() from any thread.
class RegistryEntityScope final : public EntityScope {
 public:
  void set(std::shared_ptr<const core::vendor::Registry> registry);
  bool withinSubtree(const std::string& root, const std::string& entity) const override;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const core::vendor::Registry> registry_;
};

struct AuthzDecision {
  bool allowed = false;
  std::string reason;  // plain words, for the 403 body and logs
};

// The one authorization function. `p` is null for anonymous requests.
AuthzDecision authorize(const Principal* p, Action action, const Target& target,
                        const EntityScope& scope);

// Convenience: PermissionDenied / Unauthenticated Status, or OK.
Status check(const Principal* p, Action action, const Target& target, const EntityScope& scope);

}  // namespace clearline::api
