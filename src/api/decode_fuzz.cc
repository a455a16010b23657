// libFuzzer target for the API's JSON request decoders (decode.h): any bytes
// must give a value or an InvalidArgument naming a field, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/decode.h"
#include "api/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clearline::api;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  static const std::vector<FieldSpec> spec = {{"code", FieldType::kString, true, 64},
                                              {"survey", FieldType::kObject, false, 100},
                                              {"campaign_id", FieldType::kInt, false},
                                              {"rate", FieldType::kNumber, false},
                                              {"flag", FieldType::kBool, false},
                                              {"items", FieldType::kArray, false, 10}};
  auto r = decodeObject(body, spec);
  if (r.isOk() && !r->is_object()) __builtin_trap();
  (void)decodeObject(body, spec, /*allow_unknown=*/true);
  (void)parseQuery(std::string(body));
  (void)percentDecode(std::string(body), true);
  return 0;
}
