// Column mapping: which CSV column feeds which contact field.
//
// Headers are recognised by a normalised name (lower case, runs of anything
// but letters and digits turned into "_"): voter-file exports (VOTER_ID,
// SOS_VOTERID, FIRST_NAME, RES_ADDRESS, RESIDENTIAL_CITY, CELL_PHONE …) and
// VICIdial's list format (vendor_lead_code, phone_number, first_name, address1,
// postal_code, alt_phone, phone_code …). docs/import.md has the full table.
// Unrecognised columns are kept verbatim as custom fields. `--map COLUMN=FIELD`
// overrides any of it (FIELD may be "custom" or "ignore").
//
// Errors name file:1 and the column: an unknown column or field in --map, two
// columns feeding one single-valued field (ambiguous), or no phone column.
// Pure functions; any thread.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "core/contact/contact.h"

namespace clearline::import {

enum class Field {
  kIgnore,
  kCustom,
  kExternalId,
  kFirstName,
  kLastName,
  kAddress,
  kCity,
  kState,
  kZip,
  kTimezone,
  kPhone,          // several columns may be phones
  kCountryCode,    // VICIdial phone_code: the calling code for numbers without "+"
  kLineType,       // applies to the first phone column
  kConsent,        // applies to every phone of the row
  kConsentAt,
  kConsentSource,
};

const char* fieldName(Field f);
// Every FIELD name --map accepts, for messages.
std::string fieldNames();

struct ColumnMap {
  int index = 0;            // 0-based column
  std::string header;       // as written in the file
  std::string key;          // normalised header ("res_address")
  Field field = Field::kCustom;
  bool overridden = false;  // set by --map
  core::LineType line_hint = core::LineType::kUnknown;  // from a phone column's name
};

struct Mapping {
  std::vector<ColumnMap> columns;  // one per header column, in file order
  std::vector<int> phone_columns;  // indexes of phone columns, dial priority order
  int column_of[16];               // Field → column index, -1 if none (single-valued fields)
  Json toJson() const;
};

// "RES ADDRESS 1" → "res_address_1".
std::string normaliseHeader(std::string_view h);

// Builds the mapping for `header`. `overrides` are "COLUMN=FIELD" strings;
// `file` is used in messages ("list.csv:1: …").
Result<Mapping> buildMapping(const std::vector<std::string>& header,
                             const std::vector<std::string>& overrides, const std::string& file);

}  // namespace clearline::import
