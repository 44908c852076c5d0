// win_trust_ca.exe CA.pem: adds a test CA to LocalMachine\Root of the Wine prefix, so WinHTTP trusts the
// test servers' certificates the way Windows trusts an enterprise CA. Wine's `certutil -addstore` reports
// success and adds nothing (doc/windows.md), hence this helper. Test-only; never installed.
// clang-format off
#include <windows.h>
#include <wincrypt.h>
// clang-format on

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "sync/pem_der.h"

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) {
    std::fputs("usage: win_trust_ca CA.pem\n", stderr);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto der = ctim::sync::PemBlock(text.str(), "CERTIFICATE");
  if (!der) {
    std::fputs("win_trust_ca: no PEM certificate in the file\n", stderr);
    return 1;
  }
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");
  if (store == nullptr) {
    std::fprintf(stderr, "win_trust_ca: CertOpenStore(LocalMachine\\Root): %lu\n", GetLastError());
    return 1;
  }
  const BOOL ok = CertAddEncodedCertificateToStore(
      store, X509_ASN_ENCODING, reinterpret_cast<const BYTE*>(der->data()), static_cast<DWORD>(der->size()),
      CERT_STORE_ADD_REPLACE_EXISTING, nullptr);
  const DWORD error = GetLastError();
  CertCloseStore(store, 0);
  if (!ok) {
    std::fprintf(stderr, "win_trust_ca: adding the CA failed: %lu\n", error);
    return 1;
  }
  return 0;
}
