#include "common/csv_write.h"

#include <gtest/gtest.h>

namespace clearline {
namespace {

TEST(CsvWrite, PlainCellsAreWrittenAsTheyAre) {
  EXPECT_EQ(csvCell("Ann"), "Ann");
  EXPECT_EQ(csvCell(""), "");
}

TEST(CsvWrite, Rfc4180QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(csvCell("Smith, Ann"), "\"Smith, Ann\"");
  EXPECT_EQ(csvCell("say \"yes\""), "\"say \"\"yes\"\"\"");
  EXPECT_EQ(csvCell("a\nb"), "\"a\nb\"");
  EXPECT_EQ(csvCell("a\r\nb"), "\"a\r\nb\"");
}

TEST(CsvWrite, TypedCellsAreGuardedAgainstFormulaInjection) {
  EXPECT_EQ(csvCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csvCell("+1 555"), "'+1 555");
  EXPECT_EQ(csvCell("-2"), "'-2");
  EXPECT_EQ(csvCell("@SUM(A1)"), "'@SUM(A1)");
  // Machine values (E.164 numbers, ids) are not guarded.
  EXPECT_EQ(csvCell("+15555550100", CsvGuard::kNone), "+15555550100");
}

TEST(CsvWrite, AppendBuildsARow) {
  std::string row;
  appendCsvCell(row, "1", CsvGuard::kNone);
  row.push_back(',');
  appendCsvCell(row, "O'Brien, Pat");
  EXPECT_EQ(row, "1,\"O'Brien, Pat\"");
}

}  // namespace
}  // namespace clearline
