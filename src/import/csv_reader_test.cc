#include "import/csv_reader.h"

#include <gtest/gtest.h>

namespace clearline::import {
namespace {

// A record with owned fields (a CsvRecord's views die with the next read).
struct Rec {
  std::vector<std::string> fields;
  int64_t line, offset, next_offset;
  CsvProblem problem;
  int problem_field;
  int64_t problem_line;
};

std::vector<Rec> readAll(const std::string& data, size_t chunk = SIZE_MAX, char delim = ',',
                         size_t buffer = 1 << 20) {
  StringSource src(data, chunk);
  CsvOptions o;
  o.delimiter = delim;
  o.buffer_bytes = buffer;
  CsvReader r(src, o);
  std::vector<Rec> out;
  while (true) {
    CsvRecord rec;
    auto got = r.next(rec);
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    if (!got.isOk() || !*got) break;
    out.push_back(Rec{{rec.fields.begin(), rec.fields.end()}, rec.line, rec.offset, rec.next_offset,
                      rec.problem, rec.problem_field, rec.problem_line});
  }
  return out;
}

std::vector<std::string> fields(const Rec& r) { return r.fields; }

TEST(CsvReader, SimpleRowsWithLineNumbers) {
  auto recs = readAll("a,b,c\n1,2,3\n4,5,6\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(fields(recs[1]), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(recs[0].line, 1);
  EXPECT_EQ(recs[2].line, 3);
  EXPECT_EQ(recs[1].offset, 6);
  EXPECT_EQ(recs[1].next_offset, 12);
}

TEST(CsvReader, QuotedFieldsEscapesAndEmbeddedNewlines) {
  auto recs = readAll("h1,h2\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast,row\n");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(fields(recs[1]), (std::vector<std::string>{"a,b", "say \"hi\""}));
  EXPECT_EQ(fields(recs[2]), (std::vector<std::string>{"two\nlines", "x"}));
  EXPECT_EQ(recs[2].line, 3);
  EXPECT_EQ(recs[3].line, 5);  // the record after a two-line record
}

TEST(CsvReader, CrlfAndLoneCrAndNoFinalNewline) {
  auto recs = readAll("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(fields(recs[1]), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(fields(recs[2]), (std::vector<std::string>{"x\r\ny", "3"}));
  EXPECT_EQ(recs[3].line, 5);
  EXPECT_EQ(fields(recs[3]), (std::vector<std::string>{"4", "5"}));
  auto cr = readAll("a,b\r1,2\r3,4\r");
  ASSERT_EQ(cr.size(), 3u);
  EXPECT_EQ(cr[2].line, 3);
}

TEST(CsvReader, BomIsSkippedButCountsInOffsets) {
  auto recs = readAll("\xEF\xBB\xBFphone,name\n555,A\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].fields[0], "phone");
  EXPECT_EQ(recs[0].offset, 3);
  EXPECT_EQ(recs[1].offset, 14);
}

TEST(CsvReader, BlankLinesAreNotRecords) {
  auto recs = readAll("a\n\n1\r\n\r\n2\n\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[2].line, 5);
}

TEST(CsvReader, EmptyFieldsAndTrailingDelimiter) {
  auto recs = readAll("a,b,c\n,,\n1,,\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(fields(recs[1]), (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(fields(recs[2]), (std::vector<std::string>{"1", "", ""}));
}

TEST(CsvReader, UnterminatedQuoteRunsToEndAndIsReported) {
  auto recs = readAll("a,b\n1,2\n3,\"open\n4,5\n6,7\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[2].problem, CsvProblem::kUnterminatedQuote);
  EXPECT_EQ(recs[2].problem_field, 1);
  EXPECT_EQ(recs[2].problem_line, 3);
  EXPECT_EQ(recs[2].line, 3);
}

TEST(CsvReader, InvalidUtf8IsReportedWithField) {
  auto recs = readAll("a,b,c\nok,caf\xE9,x\n\"q\",\"\xC3\xA9t\xC3\xA9\",y\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].problem, CsvProblem::kInvalidUtf8);
  EXPECT_EQ(recs[1].problem_field, 1);
  EXPECT_EQ(recs[2].problem, CsvProblem::kNone);
  EXPECT_EQ(recs[2].fields[1], "\xC3\xA9t\xC3\xA9");
}

TEST(CsvReader, Utf8Validator) {
  size_t bad = 0;
  EXPECT_TRUE(isValidUtf8("plain ascii text long enough", &bad));
  EXPECT_TRUE(isValidUtf8("\xE2\x82\xAC \xF0\x9F\x98\x80", &bad));
  EXPECT_FALSE(isValidUtf8("ab\xC0\xAF", &bad));  // overlong
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80", &bad));  // surrogate
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80", &bad));  // > U+10FFFF
  EXPECT_FALSE(isValidUtf8("abc\xE2\x82", &bad));  // truncated
  EXPECT_EQ(bad, 3u);
}

TEST(CsvReader, OtherDelimiters) {
  auto recs = readAll("a;b\n\"x;y\";2\n", SIZE_MAX, ';');
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(fields(recs[1]), (std::vector<std::string>{"x;y", "2"}));
  auto tabs = readAll("a\tb\n1\t2\n", SIZE_MAX, '\t');
  EXPECT_EQ(fields(tabs[1]), (std::vector<std::string>{"1", "2"}));
}

// The same input read one byte at a time through a tiny buffer gives the same records.
TEST(CsvReader, ChunkingAndBufferGrowthDoNotChangeResults) {
  std::string data = "id,name,note\r\n";
  for (int i = 0; i < 200; ++i) {
    data += std::to_string(i) + ",\"N\"\"" + std::to_string(i) + "\",\"multi\r\nline " + std::string(i % 70, 'x') +
            "\"\r\n";
  }
  auto whole = readAll(data);
  auto bytes = readAll(data, 1, ',', 64);
  ASSERT_EQ(whole.size(), 201u);
  ASSERT_EQ(bytes.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(fields(whole[i]), fields(bytes[i])) << i;
    EXPECT_EQ(whole[i].line, bytes[i].line);
    EXPECT_EQ(whole[i].offset, bytes[i].offset);
  }
  EXPECT_EQ(whole[200].line, 2 + 2 * 199);
}

TEST(CsvReader, RecordLongerThanLimitIsAnError) {
  StringSource src("a\n\"" + std::string(5000, 'x'));
  CsvOptions o;
  o.buffer_bytes = 64;
  o.max_record_bytes = 1024;
  CsvReader r(src, o);
  CsvRecord rec;
  ASSERT_TRUE(*r.next(rec));
  auto got = r.next(rec);
  ASSERT_FALSE(got.isOk());
  EXPECT_NE(got.status().message().find("line 2"), std::string::npos);
}

TEST(CsvReader, ResumeAtOffsetKeepsLineNumbers) {
  std::string data = "a,b\n1,\"x\ny\"\n3,4\n";
  auto all = readAll(data);
  ASSERT_EQ(all.size(), 3u);
  StringSource src(data.substr(all[2].offset));
  CsvReader r(src, CsvOptions{}, all[2].offset, all[2].line);
  CsvRecord rec;
  ASSERT_TRUE(*r.next(rec));
  EXPECT_EQ(rec.line, 4);
  EXPECT_EQ(rec.offset, all[2].offset);
  EXPECT_EQ(rec.fields[0], "3");
}

TEST(CsvWriter, QuotesWhenNeededAndRoundTrips) {
  std::string out;
  appendCsvField(out, "plain");
  EXPECT_EQ(out, "plain");
  out.clear();
  appendCsvField(out, "a,\"b\"\nc");
  EXPECT_EQ(out, "\"a,\"\"b\"\"\nc\"");
  auto recs = readAll(out + "\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields[0], "a,\"b\"\nc");
}

}  // namespace
}  // namespace clearline::import
