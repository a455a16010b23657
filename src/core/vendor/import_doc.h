// The vendor-chain import document (docs/vendor-chain.md): one JSON object that
// carries a whole chain for one campaign — entities, engagements with consents,
// sites, vetting records, callers, sanctions checks, overrides and the
// campaign's vendor policy. Decoding is pure and total: any byte string gives
// either an ImportDoc whose every record validated, or an error naming the
// record and the field. (Fuzzed by tests/fuzz: vendor_import_fuzz.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "core/vendor/model.h"

namespace clearline::core::vendor {

inline constexpr const char* kImportFormat = "clearline.vendor-chain/1";

struct ImportRecord {
  RecordKind kind;
  std::string id;
  Json data;                           // the record document (without valid_from)
  std::optional<TimePoint> valid_from; // when this version takes effect (default: now)
};

struct ImportDoc {
  int64_t campaign_id = 0;
  std::vector<ImportRecord> records;   // in dependency order: entities first, policy last
};

// `campaign_override` > 0 replaces the document's campaign_id.
Result<ImportDoc> decodeImportDocument(std::string_view text, int64_t campaign_override = 0);

}  // namespace clearline::core::vendor
