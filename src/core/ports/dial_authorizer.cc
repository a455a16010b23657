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

}  // namespace clearline::core
