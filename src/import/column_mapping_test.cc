#include "import/column_mapping.h"

#include <gtest/gtest.h>

namespace clearline::import {
namespace {

Field fieldOf(const Mapping& m, const std::string& header) {
  for (auto& c : m.columns)
    if (c.header == header) return c.field;
  ADD_FAILURE() << "no column " << header;
  return Field::kIgnore;
}

TEST(ColumnMapping, VoterFileHeaders) {
  auto m = buildMapping({"SOS_VOTERID", "FIRST_NAME", "LAST_NAME", "RES_ADDRESS", "RES_CITY", "RES_STATE",
                         "RES_ZIP", "PHONE", "CELL_PHONE", "PARTY"},
                        {}, "v.csv");
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  EXPECT_EQ(fieldOf(*m, "SOS_VOTERID"), Field::kExternalId);
  EXPECT_EQ(fieldOf(*m, "RES_ADDRESS"), Field::kAddress);
  EXPECT_EQ(fieldOf(*m, "RES_ZIP"), Field::kZip);
  EXPECT_EQ(fieldOf(*m, "PARTY"), Field::kCustom);
  ASSERT_EQ(m->phone_columns.size(), 2u);
  EXPECT_EQ(m->columns[m->phone_columns[0]].header, "PHONE");
  EXPECT_EQ(m->columns[m->phone_columns[1]].line_hint, core::LineType::kWireless);
}

TEST(ColumnMapping, VicidialHeaders) {
  auto m = buildMapping({"vendor_lead_code", "source_id", "list_id", "phone_code", "phone_number", "title",
                         "first_name", "middle_initial", "last_name", "address1", "address2", "address3", "city",
                         "state", "province", "postal_code", "country_code_x", "gender", "date_of_birth",
                         "alt_phone", "email", "security_phrase", "comments"},
                        {}, "vici.csv");
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  EXPECT_EQ(fieldOf(*m, "vendor_lead_code"), Field::kExternalId);
  EXPECT_EQ(fieldOf(*m, "phone_code"), Field::kCountryCode);
  EXPECT_EQ(fieldOf(*m, "address1"), Field::kAddress);
  EXPECT_EQ(fieldOf(*m, "postal_code"), Field::kZip);
  EXPECT_EQ(fieldOf(*m, "address2"), Field::kCustom);
  ASSERT_EQ(m->phone_columns.size(), 2u);
  EXPECT_EQ(m->columns[m->phone_columns[0]].header, "phone_number");
}

TEST(ColumnMapping, HeaderNormalisation) {
  EXPECT_EQ(normaliseHeader("  Res Address 1 "), "res_address_1");
  EXPECT_EQ(normaliseHeader("Cell-Phone#"), "cell_phone");
  EXPECT_EQ(normaliseHeader("ZIP5"), "zip5");
}

TEST(ColumnMapping, MissingPhoneColumnIsAnError) {
  auto m = buildMapping({"first_name", "last_name"}, {}, "x.csv");
  ASSERT_FALSE(m.isOk());
  EXPECT_NE(m.status().message().find("x.csv:1"), std::string::npos);
  EXPECT_NE(m.status().message().find("missing required column"), std::string::npos);
}

TEST(ColumnMapping, AmbiguousColumnsAreAnError) {
  auto m = buildMapping({"phone", "zip", "postal_code"}, {}, "x.csv");
  ASSERT_FALSE(m.isOk());
  EXPECT_NE(m.status().message().find("ambiguous"), std::string::npos);
  EXPECT_NE(m.status().message().find("'zip'"), std::string::npos);
  EXPECT_NE(m.status().message().find("'postal_code'"), std::string::npos);
  // Resolved by an override.
  auto ok = buildMapping({"phone", "zip", "postal_code"}, {"postal_code=custom"}, "x.csv");
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
}

TEST(ColumnMapping, OverridesAndTheirErrors) {
  auto m = buildMapping({"Mobile Number", "Tel2", "Name"}, {"Tel2=phone", "name=first_name"}, "x.csv");
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  EXPECT_EQ(m->phone_columns.size(), 2u);
  EXPECT_EQ(fieldOf(*m, "Name"), Field::kFirstName);
  auto unknown_col = buildMapping({"phone"}, {"nope=phone"}, "x.csv");
  ASSERT_FALSE(unknown_col.isOk());
  EXPECT_NE(unknown_col.status().message().find("no column 'nope'"), std::string::npos);
  auto unknown_field = buildMapping({"phone"}, {"phone=telephone_number"}, "x.csv");
  ASSERT_FALSE(unknown_field.isOk());
  EXPECT_NE(unknown_field.status().message().find("unknown field"), std::string::npos);
  auto bad_syntax = buildMapping({"phone"}, {"phone"}, "x.csv");
  EXPECT_FALSE(bad_syntax.isOk());
  auto dup_name = buildMapping({"phone", "x", "x"}, {"x=first_name"}, "x.csv");
  ASSERT_FALSE(dup_name.isOk());
  EXPECT_NE(dup_name.status().message().find("ambiguous"), std::string::npos);
  auto by_pos = buildMapping({"phone", "x", "x"}, {"#3=first_name"}, "x.csv");
  EXPECT_TRUE(by_pos.isOk());
}

}  // namespace
}  // namespace clearline::import
