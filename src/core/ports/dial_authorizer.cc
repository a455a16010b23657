#include "core/ports/dial_authorizer.h"

namespace clearline::core {

std::string_view toString(Verdict v) {
  switch (v) {
    case Verdict::kAllow: return "allow";
    case Verdict::kDeny: return "deny";
    case Verdict::kDefer: return "defer";
  }
  return "deny";
}

std::string_view toString(RndStatus r) {
  switch (r) {
    case RndStatus::kNotQueried: return "not_queried";
    case RndStatus::kNo: return "no";
    case RndStatus::kYes: return "yes";
    case RndStatus::kNoData: return "no_data";
  }
  return "not_queried";
}

}  // namespace clearline::core
