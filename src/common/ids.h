// Strongly typed integer ids. Rows are numbered by the store (positive, never
// reused); an id of 0 means "none". Different kinds of id do not convert into
// each other by accident.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace clearline {

template <typename Tag>
struct Id {
  int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(int64_t v) : value(v) {}
  constexpr bool valid() const { return value > 0; }
  constexpr auto operator<=>(const Id&) const = default;
  std::string str() const { return std::to_string(value); }
};

using OrgId = Id<struct OrgTag>;
using CampaignId = Id<struct CampaignTag>;
using ListId = Id<struct ListTag>;
using ContactId = Id<struct ContactTag>;
using PhoneId = Id<struct PhoneTag>;
using ImportId = Id<struct ImportTag>;
using CallId = Id<struct CallTag>;
using AttemptId = Id<struct AttemptTag>;
using UserId = Id<struct UserTag>;

}  // namespace clearline

template <typename Tag>
struct std::hash<clearline::Id<Tag>> {
  size_t operator()(const clearline::Id<Tag>& id) const noexcept {
    return std::hash<int64_t>{}(id.value);
  }
};
