// Import benchmark: generates voter-file style lists (1% bad rows, 1% duplicate
// rows, varied phone spellings) and imports each with the real `clearline
// import` binary in a child process, into a fresh SQLite data directory.
// Reports rows/s end to end (the import command's wall time: hashing, parsing,
// normalising, deduplicating, writing, committing) and the child's peak RSS
// (getrusage ru_maxrss = VmHWM). Writes a Markdown table to --out and stdout.
//
//   import_bench [--rows 1000000,5000000] [--out docs/bench/import.md] [--dir /tmp]
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "import/list_generator.h"

namespace fs = std::filesystem;
using clearline::Json;

namespace {

struct Run {
  int64_t rows = 0;
  double file_mib = 0, seconds = 0, rss_mib = 0, db_mib = 0;
  Json summary;
};

// Runs argv, capturing stdout; returns exit status and fills rusage.
int runChild(const std::vector<std::string>& args, std::string& out, struct rusage& ru, double& seconds) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    close(pipefd[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  char buf[65536];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  wait4(pid, &status, 0, &ru);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string fmt(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

std::string commas(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> sizes = {1000000, 5000000};
  std::string out_path = std::string(CLEARLINE_SOURCE_DIR) + "/docs/bench/import.md";
  std::string base = fs::temp_directory_path().string();
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      sizes.clear();
      std::stringstream ss(argv[++i]);
      std::string item;
      while (std::getline(ss, item, ',')) sizes.push_back(std::stoll(item));
    } else if (a == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (a == "--dir" && i + 1 < argc) {
      base = argv[++i];
    } else if (a == "--keep") {
      keep = true;
    } else {
      std::cerr << "usage: import_bench [--rows N,M] [--out FILE|-] [--dir DIR] [--keep]\n"
                   "  --keep  leave the generated lists and data directories (to profile an import)\n";
      return 2;
    }
  }
  fs::path work = fs::path(base) / ("clearline-import-bench-" + std::to_string(getpid()));
  fs::create_directories(work);
  std::vector<Run> runs;
  for (int64_t rows : sizes) {
    Run r;
    r.rows = rows;
    fs::path list = work / ("list-" + std::to_string(rows) + ".csv");
    clearline::import::ListSpec spec;
    spec.rows = rows;
    spec.seed = 7;
    auto gen = clearline::import::writeSampleList(list.string(), spec);
    if (!gen.isOk()) {
      std::cerr << gen.status().toString() << "\n";
      return 1;
    }
    r.file_mib = static_cast<double>(gen->bytes) / (1 << 20);
    fs::path data = work / ("data-" + std::to_string(rows));
    std::string out;
    struct rusage ru {};
    double secs = 0;
    int rc = runChild({CLEARLINE_BIN, "campaign", "create", "--name", "bench", "--data-dir", data.string()}, out, ru,
                      secs);
    if (rc != 0) {
      std::cerr << "campaign create failed\n";
      return 1;
    }
    out.clear();
    std::cerr << "importing " << commas(rows) << " rows (" << fmt(r.file_mib, 1) << " MiB)…\n";
    rc = runChild({CLEARLINE_BIN, "import", list.string(), "--campaign", "1", "--json", "--no-progress",
                   "--data-dir", data.string()},
                  out, ru, r.seconds);
    r.summary = Json::parse(out, nullptr, false);
    if (rc != 0 || r.summary.is_discarded()) {
      std::cerr << "import failed (exit " << rc << "): " << out << "\n";
      return 1;
    }
    int64_t read = r.summary["read"], imported = r.summary["imported"], dup = r.summary["duplicates"],
            rej = r.summary["rejected"];
    if (read != rows || read != imported + dup + rej) {
      std::cerr << "counts do not add up: " << out << "\n";
      return 1;
    }
    r.rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    std::error_code ec;
    r.db_mib = static_cast<double>(fs::file_size(data / "clearline.db", ec)) / (1 << 20);
    runs.push_back(r);
    if (keep) {
      std::cerr << "kept " << list.string() << " and " << data.string() << "\n";
    } else {
      fs::remove(list, ec);
      fs::remove_all(data, ec);
    }
  }
  if (!keep) fs::remove_all(work);

  std::ostringstream md;
  struct utsname u {};
  uname(&u);
  md << "# Import benchmark\n\n"
     << "`build/release/bench/import_bench` (release preset): generated voter-file lists (1% bad rows, 1% "
        "duplicate rows, six phone spellings, 40% of rows with a second number), each imported by the real "
        "`clearline import` binary into a fresh SQLite data directory (WAL, synchronous=FULL, batches of 5,000 "
        "rows). Time is the import command's wall time (process start to exit: SHA-256 of the file, parsing, "
        "phone normalisation, deduplication, writes, commits). Peak RSS is the child's `ru_maxrss` (VmHWM).\n\n"
     << "Machine: " << u.sysname << " " << u.release << ", " << sysconf(_SC_NPROCESSORS_ONLN)
     << " cores (shared with other work while measured).\n\n"
     << "| rows | file MiB | imported | duplicates | rejected | seconds | rows/s | peak RSS MiB | db MiB |\n"
     << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (auto& r : runs) {
    md << "| " << commas(r.rows) << " | " << fmt(r.file_mib, 1) << " | " << commas(r.summary["imported"].get<int64_t>())
       << " | " << commas(r.summary["duplicates"].get<int64_t>()) << " | "
       << commas(r.summary["rejected"].get<int64_t>()) << " | " << fmt(r.seconds, 2) << " | "
       << commas(static_cast<int64_t>(static_cast<double>(r.rows) / r.seconds)) << " | " << fmt(r.rss_mib, 1)
       << " | " << fmt(r.db_mib, 0) << " |\n";
  }
  if (runs.size() >= 2) {
    md << "\nPeak RSS ratio " << commas(runs.back().rows) << " / " << commas(runs.front().rows) << " rows: "
       << fmt(runs.back().rss_mib / runs.front().rss_mib, 2)
       << " (flat memory: the reader holds one buffer, the phone cache is a fixed 2 MiB table, SQLite's page "
          "cache is bounded, and duplicates are found through indexes, not an in-memory set).\n";
  }
  std::cout << md.str();
  if (out_path != "-") {
    std::ofstream f(out_path);
    f << md.str();
    std::cerr << "wrote " << out_path << "\n";
  }
  return 0;
}
