// Checks the property the phone cache relies on (docs/import.md "The phone
// cache"): for ten-digit NANP numbers, libphonenumber's validity, number type
// and region depend only on NPA-NXX. For every NPA 200-999 and NXX 000-999
// (or a stride of them), compares several line numbers with libphonenumber
// and prints every prefix where they disagree. Exit 1 if any does.
//   phone_cache_check [--npa-step N] [--nxx-step N]
#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <cstring>
#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

int main(int argc, char** argv) {
  int npa_step = 1, nxx_step = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--npa-step")) npa_step = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--nxx-step")) nxx_step = std::atoi(argv[i + 1]);
  }
  auto* util = PhoneNumberUtil::GetInstance();
  const int lines[] = {0, 1, 999, 1000, 4321, 5000, 8765, 9999};
  long prefixes = 0, bad = 0, valid_prefixes = 0;
  for (int npa = 200; npa <= 999; npa += npa_step) {
    for (int nxx = 0; nxx <= 999; nxx += nxx_step) {
      ++prefixes;
      std::string first_key;
      for (int l : lines) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "+1%03d%03d%04d", npa, nxx, l);
        PhoneNumber n;
        if (util->Parse(buf, "US", &n) != PhoneNumberUtil::NO_PARSING_ERROR) {
          std::printf("parse error %s\n", buf);
          ++bad;
          break;
        }
        bool valid = util->IsValidNumber(n);
        std::string region;
        util->GetRegionCodeForNumber(n, &region);
        std::string key = std::to_string(valid) + "/" + (valid ? std::to_string(util->GetNumberType(n)) : "-") +
                          "/" + region;
        if (first_key.empty()) {
          first_key = key;
          if (valid) ++valid_prefixes;
        } else if (key != first_key) {
          std::printf("NPA-NXX %03d-%03d: line %04d gives %s, line %04d gives %s\n", npa, nxx, lines[0],
                      first_key.c_str(), l, key.c_str());
          ++bad;
          break;
        }
      }
    }
  }
  std::printf("checked %ld NPA-NXX prefixes (%ld valid) x %zu line numbers: %ld disagree\n", prefixes,
              valid_prefixes, sizeof lines / sizeof *lines, bad);
  return bad == 0 ? 0 : 1;
}
