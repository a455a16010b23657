#include "policy_data/registry_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "core/policy/dnc_file.h"

namespace clearline::policy_data {

namespace cp = core::policy;
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kMagic = "CLSNAP1\n";

Result<std::string> readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::notFound("cannot open " + path, path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::unavailable("error reading " + path);
  return ss.str();
}

Status writeAtomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Status::unavailable("cannot create " + tmp);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return errno == ENOSPC ? Status::resourceExhausted("disk full writing " + tmp)
                             : Status::unavailable("cannot write " + tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::unavailable("cannot sync " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::unavailable("cannot replace " + path);
  }
  int dfd = ::open(fs::path(path).parent_path().c_str(), O_RDONLY);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

Result<cp::DncFile> parseOne(const std::string& kind, const std::string& path, const std::string& text,
                             cp::DncFileKind fk, const std::vector<int>& area_codes) {
  if (kind == "TPS") return cp::parseTpsFile(text, path);
  return cp::parseDncFile(text, path, fk, area_codes);
}

Result<RegistryImport> doImport(const std::string& dir, const std::string& kind, const std::vector<std::string>& files,
                                const std::vector<int>& area_codes, TimePoint as_of, bool full) {
  if (kind != "US" && kind != "TPS") return Status::invalidArgument("unknown registry '" + kind + "' (US or TPS)", "registry");
  if (files.empty()) return Status::invalidArgument("no files given", "files");
  RegistryImport res;
  std::vector<uint64_t> base;
  auto snap = std::make_shared<cp::RegistrySnapshot>();
  snap->kind = kind;
  snap->as_of = as_of;
  if (full) {
    snap->full_loaded_at = as_of;
    snap->area_codes = area_codes;
  } else {
    auto cur = loadSnapshot(dir, kind);
    if (!cur.isOk()) {
      return Status::failedPrecondition("no current " + kind + " registry snapshot: import a full list first", "files");
    }
    base = (*cur)->index.toVector();
    snap->full_loaded_at = (*cur)->full_loaded_at;
    snap->area_codes = (*cur)->area_codes;
    if (as_of < (*cur)->as_of)
      return Status::invalidArgument("change list as-of " + formatIsoUtc(as_of) + " is older than the snapshot's " +
                                         formatIsoUtc((*cur)->as_of),
                                     "as_of");
  }
  std::vector<cp::DncOp> ops;
  std::string digest_input;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(std::string text, readAll(f));
    ASSIGN_OR_RETURN(cp::DncFile parsed,
                     parseOne(kind, f, text, full ? cp::DncFileKind::kFull : cp::DncFileKind::kChange, area_codes));
    RegistryFileInfo info{f, sha256Hex(text), full ? "full" : "change", parsed.records};
    digest_input += info.sha256;
    res.records += parsed.records;
    res.files.push_back(info);
    ops.insert(ops.end(), parsed.ops.begin(), parsed.ops.end());
  }
  std::vector<uint64_t> keys = cp::applyDncOps(base, ops);
  ASSIGN_OR_RETURN(snap->index, cp::RegistryIndex::build(keys));
  snap->id = (kind == "US" ? "us-" : "tps-") + formatIsoUtc(as_of) + "-" + sha256Hex(digest_input).substr(0, 8);
  RETURN_IF_ERROR(saveSnapshot(dir, *snap));
  res.snapshot = snap;
  return res;
}
}  // namespace

std::string snapshotPath(const std::string& dir, const std::string& kind) {
  return (fs::path(dir) / (kind == "TPS" ? "tps.snap" : "us.snap")).string();
}

Status saveSnapshot(const std::string& dir, const cp::RegistrySnapshot& s) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::unavailable("cannot create " + dir + ": " + ec.message());
  Json meta{{"id", s.id},
            {"kind", s.kind},
            {"full_loaded_at", toEpochMillis(s.full_loaded_at)},
            {"as_of", toEpochMillis(s.as_of)},
            {"area_codes", s.area_codes},
            {"count", s.index.size()}};
  std::string bytes(kMagic);
  bytes += meta.dump();
  bytes += "\n";
  bytes += s.index.serialize();
  return writeAtomically(snapshotPath(dir, s.kind), bytes);
}

Result<std::shared_ptr<const cp::RegistrySnapshot>> loadSnapshot(const std::string& dir, const std::string& kind) {
  std::string path = snapshotPath(dir, kind);
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::notFound("no " + kind + " registry snapshot in " + dir, "registry");
  ASSIGN_OR_RETURN(std::string bytes, readAll(path));
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) return Status::dataLoss(path + ": not a registry snapshot");
  size_t nl = bytes.find('\n', kMagic.size());
  if (nl == std::string::npos) return Status::dataLoss(path + ": truncated");
  Json meta = Json::parse(bytes.substr(kMagic.size(), nl - kMagic.size()), nullptr, false);
  if (meta.is_discarded() || !meta.is_object()) return Status::dataLoss(path + ": bad header");
  auto s = std::make_shared<cp::RegistrySnapshot>();
  try {
    s->id = meta.at("id").get<std::string>();
    s->kind = meta.at("kind").get<std::string>();
    s->full_loaded_at = fromEpochMillis(meta.at("full_loaded_at").get<int64_t>());
    s->as_of = fromEpochMillis(meta.at("as_of").get<int64_t>());
    s->area_codes = meta.at("area_codes").get<std::vector<int>>();
  } catch (const std::exception& e) {
    return Status::dataLoss(path + ": bad header: " + e.what());
  }
  auto ix = cp::RegistryIndex::deserialize(std::string_view(bytes).substr(nl + 1));
  if (!ix.isOk()) return ix.status().withContext(path);
  s->index = std::move(ix).value();
  return std::shared_ptr<const cp::RegistrySnapshot>(s);
}

Result<RegistryImport> importFullLists(const std::string& dir, const std::string& kind,
                                       const std::vector<std::string>& files, const std::vector<int>& area_codes,
                                       TimePoint as_of) {
  return doImport(dir, kind, files, area_codes, as_of, true);
}

Result<RegistryImport> importChangeLists(const std::string& dir, const std::string& kind,
                                         const std::vector<std::string>& files, const std::vector<int>& area_codes,
                                         TimePoint as_of) {
  return doImport(dir, kind, files, area_codes, as_of, false);
}

}  // namespace clearline::policy_data
