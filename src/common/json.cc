#include "common/json.h"

namespace clearline {

std::string canonicalJson(const Json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace clearline
