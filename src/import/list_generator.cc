#include "import/list_generator.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace clearline::import {

namespace {

struct Place {
  const char* city;
  const char* state;
  const char* zip;
  int npa;
};

const Place kPlaces[] = {
    {"Miami", "FL", "33101", 305},        {"Tampa", "FL", "33602", 813},
    {"Orlando", "FL", "32801", 407},      {"Pensacola", "FL", "32501", 850},
    {"Jacksonville", "FL", "32202", 904}, {"Phoenix", "AZ", "85004", 602},
    {"Tucson", "AZ", "85701", 520},       {"Flagstaff", "AZ", "86001", 928},
    {"Austin", "TX", "78701", 512},       {"Houston", "TX", "77002", 713},
    {"El Paso", "TX", "79901", 915},      {"Dallas", "TX", "75201", 214},
    {"Atlanta", "GA", "30303", 404},      {"Savannah", "GA", "31401", 912},
    {"Columbus", "OH", "43215", 614},     {"Cleveland", "OH", "44113", 216},
    {"Denver", "CO", "80202", 303},       {"Boise", "ID", "83702", 208},
    {"Raleigh", "NC", "27601", 919},      {"Charlotte", "NC", "28202", 704},
    {"Madison", "WI", "53703", 608},      {"Milwaukee", "WI", "53202", 414},
    {"Harrisburg", "PA", "17101", 717},   {"Pittsburgh", "PA", "15222", 412},
    {"Reno", "NV", "89501", 775},         {"Las Vegas", "NV", "89101", 702},
    {"Detroit", "MI", "48226", 313},      {"Lansing", "MI", "48933", 517},
    {"Oklahoma City", "OK", "73102", 405}, {"Richmond", "VA", "23219", 804},
};
constexpr int kNumPlaces = sizeof(kPlaces) / sizeof(kPlaces[0]);

const char* kFirst[] = {"Mary", "James", "Patricia", "John", "Jennifer", "Robert", "Linda", "Michael",
                        "Elizabeth", "William", "Barbara", "David", "Susan", "Richard", "Jessica", "Joseph",
                        "Sarah", "Thomas", "Karen", "Carlos", "Maria", "José", "Nguyen", "Aisha", "Wei",
                        "Zoë", "Siobhán", "Mohammed", "Priya", "Olga"};
const char* kLast[] = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
                       "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
                       "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "O'Brien", "Nguyen",
                       "Kim", "Patel", "Müller", "Svensson", "Okafor", "Cohen", "Rossi"};
const char* kStreets[] = {"Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St", "Lakeview Blvd",
                          "Sunset Ave", "Park Pl", "Washington St", "Lincoln Ave", "Highland Rd"};
const char* kParties[] = {"DEM", "REP", "NPA", "IND", "LIB", "GRN"};

// Row i's primary number: a bijection of i onto (place, exchange, line) so
// numbers never collide by accident.
void phoneParts(int64_t i, int* npa, int* nxx, int* line) {
  int64_t place = i % kNumPlaces;
  int64_t j = (i / kNumPlaces * 7919) % 7000000;  // 7919 is prime: a permutation of 0..6,999,999
  *npa = kPlaces[place].npa;
  *nxx = 300 + static_cast<int>(j / 10000);  // 300..999
  if (*nxx % 100 == 11 || *nxx == 555 || *nxx == 950 || *nxx == 958 || *nxx == 959 || *nxx == 976) *nxx -= 1;
  *line = static_cast<int>(j % 10000);
}

void formatPhone(std::string& out, int npa, int nxx, int line, int style) {
  char buf[40];
  switch (style % 6) {
    case 0: std::snprintf(buf, sizeof buf, "(%03d) %03d-%04d", npa, nxx, line); break;
    case 1: std::snprintf(buf, sizeof buf, "%03d-%03d-%04d", npa, nxx, line); break;
    case 2: std::snprintf(buf, sizeof buf, "%03d.%03d.%04d", npa, nxx, line); break;
    case 3: std::snprintf(buf, sizeof buf, "%03d%03d%04d", npa, nxx, line); break;
    case 4: std::snprintf(buf, sizeof buf, "+1 %03d %03d %04d", npa, nxx, line); break;
    default: std::snprintf(buf, sizeof buf, "1-%03d-%03d-%04d", npa, nxx, line); break;
  }
  out += buf;
}

}  // namespace

Result<ListStats> writeSampleList(const std::string& path, const ListSpec& spec) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::unavailable("cannot write " + path + ": " + std::strerror(errno));
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> u(0, 1);
  const char* eol = spec.crlf ? "\r\n" : "\n";
  ListStats st;
  std::string buf;
  buf.reserve(1 << 20);
  buf += "VOTER_ID,FIRST_NAME,LAST_NAME,RES_ADDRESS,RES_CITY,RES_STATE,RES_ZIP,PARTY,PHONE,CELL_PHONE";
  buf += eol;
  auto flush = [&]() -> Status {
    if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) {
      return Status::resourceExhausted("cannot write " + path + ": " + std::strerror(errno));
    }
    st.bytes += static_cast<int64_t>(buf.size());
    buf.clear();
    return Status::ok();
  };
  int64_t good = 0;
  for (int64_t i = 0; i < spec.rows; ++i) {
    const Place& p = kPlaces[rng() % kNumPlaces];
    const char* first = kFirst[rng() % (sizeof kFirst / sizeof *kFirst)];
    const char* last = kLast[rng() % (sizeof kLast / sizeof *kLast)];
    double r = u(rng);
    int kind = 0;  // 0 good, 1 duplicate, 2 bad
    if (r < spec.bad_fraction) {
      kind = 2;
    } else if (r < spec.bad_fraction + spec.duplicate_fraction && good > 0) {
      kind = 1;
    }
    char id[32];
    std::snprintf(id, sizeof id, "FL%09lld", static_cast<long long>(i + 1));
    buf += id;
    buf += ',';
    buf += first;
    buf += ',';
    buf += last;
    buf += ',';
    unsigned house = 1 + rng() % 9999;
    const char* street = kStreets[rng() % (sizeof kStreets / sizeof *kStreets)];
    if (rng() % 10 == 0) {
      buf += "\"" + std::to_string(house) + " " + street + ", Apt " + std::to_string(1 + rng() % 40) + "\"";
    } else {
      buf += std::to_string(house) + " " + street;
    }
    buf += ',';
    buf += p.city;
    buf += ',';
    buf += p.state;
    buf += ',';
    buf += p.zip;
    buf += ',';
    buf += kParties[rng() % 6];
    buf += ',';
    int npa, nxx, line;
    int style = static_cast<int>(rng() % 6);
    if (kind == 2) {
      ++st.bad;
      static const char* kBad[] = {"305-CALL-NOW", "(813) 234-5678 x12", "234-5678", "30523456789012",
                                   "+44 20 7946 0000", "(555) 123-4567", "", "ext. 44"};
      int b = static_cast<int>(rng() % 9);
      if (b == 8) {
        // A ragged row: the phone columns are missing.
        buf.pop_back();
        buf += eol;
        continue;
      }
      buf += kBad[b];
      buf += ',';
      buf += eol;
      continue;
    }
    if (kind == 1) {
      ++st.duplicates;
      phoneParts(static_cast<int64_t>(rng() % static_cast<uint64_t>(good)), &npa, &nxx, &line);
      formatPhone(buf, npa, nxx, line, style + 1);  // the same number, written differently
      buf += ',';
      buf += eol;
      continue;
    }
    phoneParts(good++, &npa, &nxx, &line);
    formatPhone(buf, npa, nxx, line, style);
    buf += ',';
    if (rng() % 5 < 2) {
      // A cell number in exchanges 200-299, which primary numbers never use.
      int64_t k = (good - 1) / kNumPlaces;
      int cnxx = 200 + static_cast<int>((k / 10000) % 100);
      if (cnxx == 211) cnxx = 210;
      formatPhone(buf, npa, cnxx, static_cast<int>(k % 10000), style + 2);
    }
    buf += eol;
    if (buf.size() > (1 << 20) - 4096) RETURN_IF_ERROR(flush());
  }
  st.rows = spec.rows;
  Status s = flush();
  if (std::fclose(f) != 0 && s.isOk()) s = Status::resourceExhausted("cannot write " + path);
  RETURN_IF_ERROR(s);
  return st;
}

}  // namespace clearline::import
