// libFuzzer target: the vendor-chain import decoder (outside input) and, for
// documents that decode, the registry build, structure checks, gates and the
// disclosure report over them. Must never crash, hang or leak on any bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/vendor/disclosure.h"
#include "core/vendor/gates.h"
#include "core/vendor/import_doc.h"

using namespace clearline;
using namespace clearline::core::vendor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = decodeImportDocument(text);
  if (!doc.isOk()) return 0;
  Registry reg;
  int n = 0;
  for (auto& r : doc->records) {
    RecordVersion v;
    v.kind = r.kind;
    v.id = r.id;
    v.version = 1;
    v.valid_from = r.valid_from.value_or(TimePoint{});
    v.data = r.data;
    v.record_hash = computeRecordHash(v);
    if (!reg.add(v).isOk()) return 0;
    ++n;
  }
  (void)reg.validateStructure();
  const TimePoint t = fromEpochMillis(1576008000000);  // 2019-12-10T20:00:00Z
  for (auto& ref : reg.ids(RecordKind::kCaller)) (void)evaluateGates(reg, CampaignId(doc->campaign_id), ref, t);
  if (n < 64) {
    DisclosureInputs in;
    in.campaign_id = doc->campaign_id;
    in.from = t - std::chrono::hours(24 * 30);
    in.to = t;
    in.generated_at = t;
    Json report = buildDisclosure(reg, in);
    (void)renderDisclosureHtml(report);
    (void)renderDisclosureCsv(report);
  }
  return 0;
}
