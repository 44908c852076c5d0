// ClientCertificate::Load, the same on every platform: both PEM files are read here, and the platform's
// FromPem (sync/posix/ on OpenSSL, sync/windows/ on CNG) parses them.
#include <fstream>
#include <sstream>

#include "sync/client_certificate.h"

namespace ctim::sync {
namespace {

Result<std::string> ReadFile(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Errc::kInvalidInput, "cannot read cloud " + std::string(what) + " " + path.string(),
                "check the path and that the agent's account may read it");
  }
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

}  // namespace

Result<ClientCertificate> ClientCertificate::Load(const std::filesystem::path& certificate_file,
                                                  const std::filesystem::path& private_key_file) {
  auto cert_pem = ReadFile(certificate_file, "certificate_file");
  if (!cert_pem) return std::unexpected(std::move(cert_pem.error()));
  const auto& key_path = private_key_file.empty() ? certificate_file : private_key_file;
  auto key_pem = ReadFile(key_path, "private_key_file");
  if (!key_pem) return std::unexpected(std::move(key_pem.error()));
  const Secret key(std::move(*key_pem));
  auto loaded = FromPem(*cert_pem, key);
  if (!loaded) {
    return std::unexpected(
        std::move(loaded.error()).With(certificate_file.string() + " + " + key_path.string()));
  }
  return loaded;
}

}  // namespace ctim::sync
