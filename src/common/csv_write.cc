#include "common/csv_write.h"

namespace clearline {

void appendCsvCell(std::string& out, std::string_view cell, CsvGuard guard) {
  bool formula = guard == CsvGuard::kFormula && !cell.empty() &&
                 (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@');
  bool quote = cell.find_first_of(",\"\n\r") != std::string_view::npos;
  if (quote) out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote) out.push_back('"');
}

std::string csvCell(std::string_view cell, CsvGuard guard) {
  std::string out;
  appendCsvCell(out, cell, guard);
  return out;
}

}  // namespace clearline
