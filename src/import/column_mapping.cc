#include "import/column_mapping.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace clearline::import {

namespace {

struct Known {
  Field field;
  core::LineType hint = core::LineType::kUnknown;
};

const std::unordered_map<std::string, Known>& knownHeaders() {
  using core::LineType;
  static const auto* m = [] {
    auto* t = new std::unordered_map<std::string, Known>();
    auto add = [&](Field f, std::initializer_list<const char*> names, LineType hint = LineType::kUnknown) {
      for (auto* n : names) (*t)[n] = Known{f, hint};
    };
    add(Field::kExternalId,
        {"external_id", "externalid", "voter_id", "voterid", "sos_voterid", "sos_voter_id",
         "state_voter_id", "statevoterid", "state_voterid", "voter_reg_num", "registration_number",
         "regnum", "vanid", "van_id", "lalvoteid", "dwid", "vendor_lead_code", "contact_id", "crm_id",
         "person_id"});
    add(Field::kFirstName, {"first_name", "firstname", "first", "fname", "given_name", "name_first"});
    add(Field::kLastName, {"last_name", "lastname", "last", "lname", "surname", "family_name", "name_last"});
    add(Field::kAddress,
        {"address", "address1", "address_1", "address_line_1", "addr1", "street", "street_address",
         "res_address", "res_address1", "res_address_1", "residential_address", "residential_address1",
         "residential_address_1", "res_street_address", "res_addr"});
    add(Field::kCity, {"city", "res_city", "residential_city", "town"});
    add(Field::kState, {"state", "res_state", "residential_state", "st", "state_code"});
    add(Field::kZip,
        {"zip", "zip5", "zipcode", "zip_code", "postal_code", "postalcode", "postcode", "res_zip",
         "res_zip5", "residential_zip", "residential_zip5", "res_zip_code"});
    add(Field::kTimezone, {"timezone", "time_zone", "tz", "iana_timezone"});
    add(Field::kCountryCode, {"phone_code", "country_code", "calling_code"});
    add(Field::kLineType, {"line_type", "linetype", "phone_type", "phonetype", "number_type"});
    add(Field::kConsent, {"consent", "consent_type", "tcpa_consent"});
    add(Field::kConsentAt, {"consent_at", "consent_date", "consent_time", "opt_in_date"});
    add(Field::kConsentSource, {"consent_source", "opt_in_source"});
    add(Field::kPhone,
        {"phone", "phone_number", "phonenumber", "phone1", "phone_1", "phone2", "phone_2", "phone3",
         "phone_3", "telephone", "tel", "alt_phone", "work_phone", "phone_num", "primary_phone",
         "voter_phone", "contact_phone", "daytime_phone", "evening_phone", "other_phone"});
    add(Field::kPhone,
        {"cell", "cell_phone", "cellphone", "mobile", "mobile_phone", "mobilephone", "wireless",
         "wireless_phone", "cell_number", "mobile_number"},
        LineType::kWireless);
    add(Field::kPhone, {"landline", "land_line", "landline_phone", "home_phone", "homephone", "res_phone"},
        LineType::kLandline);
    return t;
  }();
  return *m;
}

const std::map<std::string, Field>& fieldsByName() {
  static const std::map<std::string, Field> m = {
      {"ignore", Field::kIgnore},         {"custom", Field::kCustom},
      {"external_id", Field::kExternalId}, {"first_name", Field::kFirstName},
      {"last_name", Field::kLastName},     {"address", Field::kAddress},
      {"city", Field::kCity},              {"state", Field::kState},
      {"zip", Field::kZip},                {"timezone", Field::kTimezone},
      {"phone", Field::kPhone},            {"country_code", Field::kCountryCode},
      {"line_type", Field::kLineType},     {"consent", Field::kConsent},
      {"consent_at", Field::kConsentAt},   {"consent_source", Field::kConsentSource},
  };
  return m;
}

std::string sq(const std::string& s) { return "'" + s + "'"; }

}  // namespace

const char* fieldName(Field f) {
  for (auto& [name, field] : fieldsByName())
    if (field == f) return name.c_str();
  return "custom";
}

std::string fieldNames() {
  std::string out;
  for (auto& [name, field] : fieldsByName()) {
    (void)field;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string normaliseHeader(std::string_view h) {
  std::string out;
  bool sep = false;
  for (char c : h) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      if (sep && !out.empty()) out.push_back('_');
      sep = false;
      out.push_back(static_cast<char>(std::tolower(u)));
    } else {
      sep = true;
    }
  }
  return out;
}

Json Mapping::toJson() const {
  Json arr = Json::array();
  for (auto& c : columns) {
    Json j{{"column", c.index + 1}, {"header", c.header}, {"field", fieldName(c.field)}};
    if (c.field == Field::kPhone) j["line_type_hint"] = core::toString(c.line_hint);
    if (c.overridden) j["overridden"] = true;
    arr.push_back(std::move(j));
  }
  return arr;
}

Result<Mapping> buildMapping(const std::vector<std::string>& header,
                             const std::vector<std::string>& overrides, const std::string& file) {
  const std::string where = file + ":1";
  Mapping m;
  for (int& c : m.column_of) c = -1;
  const auto& known = knownHeaders();
  for (size_t i = 0; i < header.size(); ++i) {
    ColumnMap c;
    c.index = static_cast<int>(i);
    c.header = header[i];
    c.key = normaliseHeader(header[i]);
    auto it = known.find(c.key);
    if (it != known.end()) {
      c.field = it->second.field;
      c.line_hint = it->second.hint;
    } else if (c.key.empty()) {
      c.field = Field::kIgnore;  // an unnamed column cannot become a custom field
    }
    m.columns.push_back(std::move(c));
  }
  // Overrides: COLUMN=FIELD, COLUMN by header (case-insensitive, normalised) or #N.
  for (auto& o : overrides) {
    auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::invalidArgument("--map " + sq(o) + ": expected COLUMN=FIELD, e.g. --map CELL=phone",
                                     "map");
    }
    std::string col = o.substr(0, eq), fname = o.substr(eq + 1);
    auto fit = fieldsByName().find(normaliseHeader(fname));
    if (fit == fieldsByName().end()) {
      return Status::invalidArgument("--map " + sq(o) + ": unknown field " + sq(fname) +
                                         " (one of: " + fieldNames() + ")",
                                     fname);
    }
    std::vector<int> hits;
    if (col.size() > 1 && col[0] == '#') {
      int n = std::atoi(col.c_str() + 1);
      if (n >= 1 && n <= static_cast<int>(header.size())) hits.push_back(n - 1);
    } else {
      for (auto& c : m.columns)
        if (c.header == col || (!c.key.empty() && c.key == normaliseHeader(col))) hits.push_back(c.index);
    }
    if (hits.empty()) {
      std::string names;
      for (auto& c : m.columns) names += (names.empty() ? "" : ", ") + c.header;
      return Status::invalidArgument(where + ": --map " + sq(o) + ": no column " + sq(col) +
                                         " in the header (columns: " + names + ")",
                                     col);
    }
    if (hits.size() > 1) {
      return Status::invalidArgument(where + ": --map " + sq(o) + ": column name " + sq(col) +
                                         " is ambiguous: it matches columns " +
                                         std::to_string(hits[0] + 1) + " and " + std::to_string(hits[1] + 1) +
                                         " (name one by position, e.g. --map '#" + std::to_string(hits[1] + 1) +
                                         "=" + fname + "')",
                                     col);
    }
    auto& c = m.columns[hits[0]];
    c.field = fit->second;
    c.overridden = true;
    if (c.field == Field::kPhone && c.line_hint == core::LineType::kUnknown) {
      auto kit = known.find(c.key);
      if (kit != known.end()) c.line_hint = kit->second.hint;
    }
  }
  // Single-valued fields take one column; phones may take many.
  for (auto& c : m.columns) {
    if (c.field == Field::kPhone) {
      m.phone_columns.push_back(c.index);
      continue;
    }
    if (c.field == Field::kIgnore || c.field == Field::kCustom) continue;
    int& slot = m.column_of[static_cast<int>(c.field)];
    if (slot >= 0) {
      auto& first = m.columns[slot];
      return Status::invalidArgument(
          where + ": ambiguous mapping: column " + std::to_string(first.index + 1) + " " +
              sq(first.header) + " and column " + std::to_string(c.index + 1) + " " + sq(c.header) +
              " both map to " + fieldName(c.field) + "; choose with --map, e.g. --map '" + c.header +
              "=custom'",
          c.header);
    }
    slot = c.index;
  }
  if (m.phone_columns.empty()) {
    std::string names;
    for (auto& c : m.columns) names += (names.empty() ? "" : ", ") + c.header;
    return Status::invalidArgument(
        where + ": missing required column: no phone column (looked for phone, phone_number, cell_phone, "
                "landline, alt_phone …; the header has: " + names + "); name one with --map COLUMN=phone",
        "phone");
  }
  // Dial priority: the primary phone columns first, then in file order.
  std::stable_sort(m.phone_columns.begin(), m.phone_columns.end(), [&](int a, int b) {
    auto rank = [&](int i) {
      const auto& k = m.columns[i].key;
      return (k == "phone_number" || k == "phone" || k == "phone1" || k == "primary_phone") ? 0 : 1;
    };
    return rank(a) < rank(b);
  });
  return m;
}

}  // namespace clearline::import
