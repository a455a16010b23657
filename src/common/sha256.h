// SHA-256 (OpenSSL EVP). Used by the audit chain and evidence-file hashing.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace clearline {

using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  Sha256Digest finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

Sha256Digest sha256(std::string_view bytes);
std::string sha256Hex(std::string_view bytes);
std::string toHex(const Sha256Digest& digest);
// Hashes a whole file, streaming; NotFound / Unavailable on I/O errors.
Result<std::string> sha256FileHex(const std::string& path);

}  // namespace clearline
