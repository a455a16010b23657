// A tiny SVG line/scatter plot writer for the benchmark (no dependencies).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace clearline::bench {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;
  bool line = true;  // false: markers only
};

struct Plot {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;  // 0,0 = automatic
  std::vector<std::pair<double, std::string>> vlines;  // (x, label)
};

std::string renderSvg(const Plot& p, int width = 720, int height = 440);

}  // namespace clearline::bench
