// Registry snapshots on disk (R8, R9, U7): imports FTC full and change files
// (and UK TPS lists) into a compact core::policy::RegistryIndex and keeps one
// current snapshot file per registry kind in the registry directory
// (DATA_DIR/dnc/<kind>.snap). A new snapshot is written to a temporary file,
// synced and renamed over the old one only when it is complete; any parse
// error (file:line) aborts the import with the old snapshot untouched.
// Owner: policy. One writer at a time (the CLI); readers may load any time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "core/policy/dnc_registry.h"

namespace clearline::policy_data {

struct RegistryFileInfo {
  std::string path;
  std::string sha256;
  std::string kind;  // "full" | "change"
  uint64_t records = 0;
};

struct RegistryImport {
  std::shared_ptr<const core::policy::RegistrySnapshot> snapshot;
  std::vector<RegistryFileInfo> files;
  uint64_t records = 0;
};

// kind: "US" (FTC national registry) or "TPS".
Result<RegistryImport> importFullLists(const std::string& dir, const std::string& kind,
                                       const std::vector<std::string>& files, const std::vector<int>& area_codes,
                                       TimePoint as_of);
Result<RegistryImport> importChangeLists(const std::string& dir, const std::string& kind,
                                         const std::vector<std::string>& files, const std::vector<int>& area_codes,
                                         TimePoint as_of);
// The current snapshot, or NotFound.
Result<std::shared_ptr<const core::policy::RegistrySnapshot>> loadSnapshot(const std::string& dir,
                                                                          const std::string& kind);
Status saveSnapshot(const std::string& dir, const core::policy::RegistrySnapshot& s);
std::string snapshotPath(const std::string& dir, const std::string& kind);

}  // namespace clearline::policy_data
