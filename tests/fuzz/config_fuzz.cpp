// libFuzzer target for the TOML configuration (service/config.cpp): ParseConfig and ValidateConfig on any
// text. Asserts: no crash or sanitizer report, and every refusal names the origin and says why. Built only
// by the 'fuzz' preset (config.cpp is compiled into this target: the fuzz build has no service layer).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "service/config.h"

namespace {

void Require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "config_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = ctim::service::ParseConfig(text, "fuzz.toml");
  if (!config) {
    Require(!config.error().message.empty(), "a refused config says why");
    Require(config.error().message.find("fuzz.toml") != std::string::npos, "a refusal names the file",
            config.error().message);
    return 0;
  }
  if (auto valid = ctim::service::ValidateConfig(*config); !valid) {
    Require(!valid.error().message.empty(), "an invalid config says why");
  }
  return 0;
}
