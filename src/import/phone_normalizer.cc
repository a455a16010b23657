#include "import/phone_normalizer.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>

namespace clearline::import {

namespace {
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const char* typeName(PhoneNumberUtil::PhoneNumberType t) {
  switch (t) {
    case PhoneNumberUtil::FIXED_LINE: return "FIXED_LINE";
    case PhoneNumberUtil::MOBILE: return "MOBILE";
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return "FIXED_LINE_OR_MOBILE";
    case PhoneNumberUtil::TOLL_FREE: return "TOLL_FREE";
    case PhoneNumberUtil::PREMIUM_RATE: return "PREMIUM_RATE";
    case PhoneNumberUtil::SHARED_COST: return "SHARED_COST";
    case PhoneNumberUtil::VOIP: return "VOIP";
    case PhoneNumberUtil::PERSONAL_NUMBER: return "PERSONAL_NUMBER";
    case PhoneNumberUtil::PAGER: return "PAGER";
    case PhoneNumberUtil::UAN: return "UAN";
    case PhoneNumberUtil::VOICEMAIL: return "VOICEMAIL";
    case PhoneNumberUtil::UNKNOWN: return "UNKNOWN";
  }
  return "UNKNOWN";
}

// libphonenumber's IsValidNumber(n) is "the number's region is known and its
// type is not UNKNOWN" (IsValidNumberForRegion ends in GetNumberTypeHelper !=
// UNKNOWN); GetNumberType(n) computes that same type. Asking for the type once
// and deriving validity halves the regex work per new number.
// phone_normalizer_test's CrossCheckAgainstIsValidNumber pins the equivalence.
bool isValidType(int type) { return type != PhoneNumberUtil::UNKNOWN; }

constexpr uint16_t kKnown = 0x8000;
constexpr uint16_t kValid = 0x4000;

int countDigits(std::string_view s) {
  return static_cast<int>(std::count_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

// Letters after the digits that spell an extension: x12, ext 12, ext. 12, extension 12.
bool looksLikeExtension(std::string_view s) {
  std::string low;
  for (char c : s) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (low.find('#') != std::string::npos || low.find(';') != std::string::npos ||
      low.find(',') != std::string::npos) {
    return true;
  }
  size_t first_alpha = low.find_first_of("abcdefghijklmnopqrstuvwxyz");
  if (first_alpha == std::string::npos || countDigits(low.substr(0, first_alpha)) < 7) return false;
  std::string rest = low.substr(first_alpha);
  for (const char* w : {"extension", "ext.", "ext", "x"}) {
    if (rest.rfind(w, 0) == 0) {
      std::string tail = rest.substr(std::string_view(w).size());
      bool has_digit = false, other = false;
      for (char c : tail) {
        if (std::isdigit(static_cast<unsigned char>(c))) has_digit = true;
        else if (c != ' ' && c != '.' && c != ':' && c != '-') other = true;
      }
      return has_digit && !other;
    }
  }
  return false;
}

// The accept/reject rules shared by the fast and slow paths.
bool decide(bool valid, int type, const std::string& region, int cc, int home_cc,
            const PhoneNormalizerOptions& opts, PhoneResult& out) {
  out.number_type.clear();
  out.region.clear();
  if (!valid) {
    bool extra = cc == 1 && out.e164.size() == 12 &&
                 opts.extra_area_codes.count(std::stoi(out.e164.substr(2, 3))) > 0 &&
                 out.e164[5] >= '2';
    if (!extra) {
      out.reason = "not a valid number (" + out.e164 + " is not assigned in the numbering plan)";
      return out.ok = false;
    }
    type = PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
  }
  if (cc != home_cc && !opts.allow_international) {
    out.reason = "international number (+" + std::to_string(cc) +
                 (region.empty() || region == "ZZ" ? "" : ", " + region) + ") outside the import region " +
                 opts.default_region + " (pass --allow-international to accept it)";
    return out.ok = false;
  }
  if (type == PhoneNumberUtil::PREMIUM_RATE) {
    out.reason = "premium-rate number";
    return out.ok = false;
  }
  out.number_type = typeName(static_cast<PhoneNumberUtil::PhoneNumberType>(type));
  out.region = valid ? region : "US";
  out.reason.clear();
  return out.ok = true;
}
}  // namespace

Result<std::unique_ptr<PhoneNormalizer>> PhoneNormalizer::create(PhoneNormalizerOptions opts) {
  auto* util = PhoneNumberUtil::GetInstance();
  std::transform(opts.default_region.begin(), opts.default_region.end(), opts.default_region.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::set<std::string> regions;
  util->GetSupportedRegions(&regions);
  if (!regions.count(opts.default_region)) {
    return Status::invalidArgument("unknown region '" + opts.default_region +
                                       "' (an ISO 3166 alpha-2 code libphonenumber knows, e.g. US, CA, GB)",
                                   "region");
  }
  int cc = util->GetCountryCodeForRegion(opts.default_region);
  return std::unique_ptr<PhoneNormalizer>(new PhoneNormalizer(std::move(opts), cc));
}

PhoneNormalizer::PhoneNormalizer(PhoneNormalizerOptions opts, int country_code)
    : opts_(std::move(opts)), country_code_(country_code) {
  if (opts_.use_cache) table_.assign(1000000, 0);
}

bool PhoneNormalizer::normalizeSlow(std::string_view raw_in, PhoneResult& out) {
  out.ok = false;
  out.e164.clear();
  out.number_type.clear();
  out.region.clear();
  std::string_view raw = raw_in;
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.empty()) {
    out.reason = "empty";
    return false;
  }
  if (looksLikeExtension(raw)) {
    out.reason = "has an extension (an extension cannot be dialled)";
    return false;
  }
  if (std::any_of(raw.begin(), raw.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
    out.reason = "contains letters";
    return false;
  }
  if (countDigits(raw) == 0) {
    out.reason = "not a phone number (no digits)";
    return false;
  }
  auto* util = PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  auto err = util->Parse(std::string(raw), opts_.default_region, &n);
  switch (err) {
    case PhoneNumberUtil::NO_PARSING_ERROR: break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      out.reason = "unknown country calling code";
      return false;
    case PhoneNumberUtil::NOT_A_NUMBER:
      out.reason = "not a phone number";
      return false;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      out.reason = "too short (" + std::to_string(countDigits(raw)) + " digits)";
      return false;
    case PhoneNumberUtil::TOO_LONG_NSN:
      out.reason = "too long (" + std::to_string(countDigits(raw)) + " digits)";
      return false;
  }
  if (n.has_extension()) {
    out.reason = "has an extension (an extension cannot be dialled)";
    return false;
  }
  switch (util->IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::IS_POSSIBLE: break;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      out.reason = "too short (" + std::to_string(countDigits(raw)) + " digits: a local number without its area code)";
      return false;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      out.reason = "unknown country calling code";
      return false;
    case PhoneNumberUtil::TOO_SHORT:
      out.reason = "too short (" + std::to_string(countDigits(raw)) + " digits)";
      return false;
    case PhoneNumberUtil::TOO_LONG:
      out.reason = "too long (" + std::to_string(countDigits(raw)) + " digits)";
      return false;
    case PhoneNumberUtil::INVALID_LENGTH:
      out.reason = "wrong length (" + std::to_string(countDigits(raw)) + " digits)";
      return false;
  }
  util->Format(n, PhoneNumberUtil::E164, &out.e164);
  std::string region;
  util->GetRegionCodeForNumber(n, &region);
  int type = static_cast<int>(util->GetNumberType(n));
  return decide(isValidType(type), type, region, n.country_code(), country_code_, opts_, out);
}

bool PhoneNormalizer::normalize(std::string_view raw, PhoneResult& out) {
  if (!opts_.use_cache) return normalizeSlow(raw, out);
  char d[11];
  int nd = 0;
  bool plus = false;
  for (char c : raw) {
    if (c >= '0' && c <= '9') {
      if (nd == 11) return normalizeSlow(raw, out);
      d[nd++] = c;
    } else if (c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/') {
      continue;
    } else if (c == '+' && nd == 0 && !plus) {
      plus = true;
    } else {
      return normalizeSlow(raw, out);
    }
  }
  const char* nat;
  if (plus) {
    if (nd != 11 || d[0] != '1') return normalizeSlow(raw, out);
    nat = d + 1;
  } else {
    if (country_code_ != 1) return normalizeSlow(raw, out);
    if (nd == 11 && d[0] == '1') {
      nat = d + 1;
    } else if (nd == 10) {
      nat = d;
    } else {
      return normalizeSlow(raw, out);
    }
  }
  if (nat[0] < '2') return normalizeSlow(raw, out);
  int key = 0;
  for (int i = 0; i < 6; ++i) key = key * 10 + (nat[i] - '0');
  uint16_t entry = table_[key];
  if (!(entry & kKnown)) {
    ++misses_;
    scratch_.assign("+1");
    scratch_.append(nat, 10);
    // Facts only: ask libphonenumber directly (decide() runs below for both cases).
    auto* util = PhoneNumberUtil::GetInstance();
    PhoneNumber n;
    if (util->Parse(scratch_, opts_.default_region, &n) != PhoneNumberUtil::NO_PARSING_ERROR) {
      return normalizeSlow(raw, out);
    }
    std::string region;
    util->GetRegionCodeForNumber(n, &region);
    int type = static_cast<int>(util->GetNumberType(n));
    bool valid = isValidType(type);
    auto it = std::find(regions_.begin(), regions_.end(), region);
    size_t ri = it - regions_.begin();
    if (it == regions_.end()) {
      if (regions_.size() >= 255) return normalizeSlow(raw, out);
      regions_.push_back(region);
    }
    entry = static_cast<uint16_t>(kKnown | (valid ? kValid : 0) | (ri << 4) | (type & 0xF));
    table_[key] = entry;
  } else {
    ++hits_;
  }
  out.e164.assign("+1");
  out.e164.append(nat, 10);
  return decide((entry & kValid) != 0, entry & 0xF, regions_[(entry >> 4) & 0xFF], 1, country_code_,
                opts_, out);
}

}  // namespace clearline::import
