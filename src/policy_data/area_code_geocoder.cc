#include "policy_data/area_code_geocoder.h"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

namespace clearline::policy_data {

namespace cp = core::policy;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberOfflineGeocoder;
using i18n::phonenumbers::PhoneNumberUtil;

struct AreaCodeGeocoder::Impl {
  PhoneNumberOfflineGeocoder geocoder;
};

AreaCodeGeocoder::AreaCodeGeocoder() : impl_(std::make_unique<Impl>()) {}
AreaCodeGeocoder::~AreaCodeGeocoder() = default;

std::string stateFromDescription(const std::string& d) {
  auto comma = d.rfind(", ");
  if (comma != std::string::npos) {
    std::string st = d.substr(comma + 2);
    if (cp::stateIndex(st) >= 0) return st;
  }
  int i = cp::stateIndexByName(d);
  if (i >= 0) return std::string(cp::stateCode(i));
  // Names the library gives that are not a state's: area code 202 is
  // "Washington D.C." (its 2022 metadata; "Washington DC" just in case).
  if (d == "Washington D.C." || d == "Washington DC" || d == "Washington, D.C.") return "DC";
  return "";
}

std::vector<std::string> AreaCodeGeocoder::statesFor(const std::string& e164) const {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  if (util.Parse(e164, "US", &n) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
  if (n.country_code() != 1) return {};
  std::string desc = impl_->geocoder.GetDescriptionForNumber(n, icu::Locale::getEnglish());
  std::string st = stateFromDescription(desc);
  if (st.empty()) return {};
  return {st};
}

cp::NpaTable AreaCodeGeocoder::buildNpaTable() const {
  cp::NpaTable t;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const char* exchanges[] = {"2345678", "4561234", "9876543", "7741234", "3214567", "5550123"};
  for (int npa = 200; npa <= 999; ++npa) {
    for (const char* x : exchanges) {
      PhoneNumber n;
      std::string s = "+1" + std::to_string(npa) + x;
      if (util.Parse(s, "US", &n) != PhoneNumberUtil::NO_PARSING_ERROR) continue;
      std::string st = stateFromDescription(impl_->geocoder.GetDescriptionForNumber(n, icu::Locale::getEnglish()));
      int i = cp::stateIndex(st);
      if (i >= 0) t.states[static_cast<size_t>(npa)] |= cp::StateSet{1} << i;
    }
  }
  // Overlays newer than the library's 2022 metadata (dependencies.md §7).
  const std::pair<int, const char*> overrides[] = {{645, "FL"}, {350, "CA"}};
  for (const auto& [npa, st] : overrides) t.states[static_cast<size_t>(npa)] |= cp::StateSet{1} << cp::stateIndex(st);
  t.loaded = true;
  return t;
}

}  // namespace clearline::policy_data
