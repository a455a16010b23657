// Writing CSV (RFC 4180) for exports and reports: a cell is quoted when it
// holds a comma, a quote or a line break, and quotes are doubled. Cells that
// people type (names, answers, reasons) are guarded against spreadsheet
// formula injection by a leading apostrophe when they start with = + - @;
// machine values (E.164 numbers, times, ids) are written as they are.
// Pure functions; any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace clearline {

enum class CsvGuard { kNone, kFormula };

// Appends one cell (no separator).
void appendCsvCell(std::string& out, std::string_view cell, CsvGuard guard = CsvGuard::kFormula);
// One cell as a string.
std::string csvCell(std::string_view cell, CsvGuard guard = CsvGuard::kFormula);

}  // namespace clearline
