# Every dependency comes from Debian 12 packages (scripts/setup.sh installs them).
# See ../shared/docs/dependencies.md for the why of each line.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBRE   REQUIRED IMPORTED_TARGET libre)
pkg_check_modules(LIBREM  REQUIRED IMPORTED_TARGET librem)
pkg_check_modules(SPANDSP REQUIRED IMPORTED_TARGET spandsp)
pkg_check_modules(ARGON2  REQUIRED IMPORTED_TARGET libargon2)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(date REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc)
find_package(Protobuf REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
find_library(GEOCODING_LIBRARY geocoding REQUIRED)

# libre + the defines its .pc file lacks. Include <re.h> only in src/sip .cc files.
add_library(clearline_re INTERFACE)
target_link_libraries(clearline_re INTERFACE PkgConfig::LIBRE PkgConfig::LIBREM)
target_compile_definitions(clearline_re INTERFACE HAVE_INTTYPES_H HAVE_STDBOOL_H HAVE_INET6 RELEASE)

add_library(clearline_phonenumber INTERFACE)
target_link_libraries(clearline_phonenumber INTERFACE
  ${GEOCODING_LIBRARY} ${PHONENUMBER_LIBRARY} protobuf::libprotobuf ICU::uc)
