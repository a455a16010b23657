#include "svg.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace clearline::bench {
namespace {
const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                         "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

double niceStep(double range) {
  double raw = range / 6.0;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / mag;
  double step = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return step * mag;
}
}  // namespace

std::string renderSvg(const Plot& p, int width, int height) {
  double x0 = p.x_min, x1 = p.x_max, y0 = p.y_min, y1 = p.y_max;
  if (x0 == 0 && x1 == 0) {
    x0 = 1e300;
    x1 = -1e300;
    for (const auto& s : p.series)
      for (auto [x, y] : s.points) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
      }
  }
  if (y0 == 0 && y1 == 0) {
    y0 = 1e300;
    y1 = -1e300;
    for (const auto& s : p.series)
      for (auto [x, y] : s.points) {
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
      }
    double pad = (y1 - y0) * 0.05 + 1e-9;
    y0 -= pad;
    y1 += pad;
  }
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const double ml = 64, mr = 190, mt = 36, mb = 48;
  const double pw = width - ml - mr, ph = height - mt - mb;
  auto sx = [&](double x) { return ml + (x - x0) / (x1 - x0) * pw; };
  auto sy = [&](double y) { return mt + ph - (y - y0) / (y1 - y0) * ph; };
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << ml << "\" y=\"22\" font-size=\"14\" font-weight=\"bold\">" << esc(p.title) << "</text>\n";
  // grid and ticks
  double xs = niceStep(x1 - x0), ys = niceStep(y1 - y0);
  for (double x = std::ceil(x0 / xs) * xs; x <= x1 + 1e-9; x += xs) {
    o << "<line x1=\"" << sx(x) << "\" y1=\"" << mt << "\" x2=\"" << sx(x) << "\" y2=\"" << mt + ph
      << "\" stroke=\"#eee\"/>\n";
    o << "<text x=\"" << sx(x) << "\" y=\"" << mt + ph + 16 << "\" text-anchor=\"middle\">" << x << "</text>\n";
  }
  for (double y = std::ceil(y0 / ys) * ys; y <= y1 + 1e-9; y += ys) {
    o << "<line x1=\"" << ml << "\" y1=\"" << sy(y) << "\" x2=\"" << ml + pw << "\" y2=\"" << sy(y)
      << "\" stroke=\"#eee\"/>\n";
    o << "<text x=\"" << ml - 6 << "\" y=\"" << sy(y) + 4 << "\" text-anchor=\"end\">" << y << "</text>\n";
  }
  o << "<rect x=\"" << ml << "\" y=\"" << mt << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"#333\"/>\n";
  o << "<text x=\"" << ml + pw / 2 << "\" y=\"" << height - 10 << "\" text-anchor=\"middle\">" << esc(p.x_label)
    << "</text>\n";
  o << "<text x=\"16\" y=\"" << mt + ph / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
    << mt + ph / 2 << ")\">" << esc(p.y_label) << "</text>\n";
  for (const auto& [x, label] : p.vlines) {
    if (x < x0 || x > x1) continue;
    o << "<line x1=\"" << sx(x) << "\" y1=\"" << mt << "\" x2=\"" << sx(x) << "\" y2=\"" << mt + ph
      << "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
    o << "<text x=\"" << sx(x) + 3 << "\" y=\"" << mt + 12 << "\" fill=\"#666\">" << esc(label) << "</text>\n";
  }
  for (size_t i = 0; i < p.series.size(); ++i) {
    const auto& s = p.series[i];
    const char* col = kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
    if (s.line && s.points.size() > 1) {
      o << "<polyline fill=\"none\" stroke=\"" << col << "\" stroke-width=\"1.8\" points=\"";
      for (auto [x, y] : s.points) o << sx(x) << "," << sy(y) << " ";
      o << "\"/>\n";
    }
    for (auto [x, y] : s.points)
      o << "<circle cx=\"" << sx(x) << "\" cy=\"" << sy(y) << "\" r=\"3\" fill=\"" << col << "\"/>\n";
    double ly = mt + 14 + 18.0 * static_cast<double>(i);
    o << "<rect x=\"" << ml + pw + 14 << "\" y=\"" << ly - 9 << "\" width=\"12\" height=\"12\" fill=\"" << col
      << "\"/>\n";
    o << "<text x=\"" << ml + pw + 32 << "\" y=\"" << ly + 1 << "\">" << esc(s.name) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace clearline::bench
