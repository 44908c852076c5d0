// RAII for the WinHTTP and CNG handles of sync/windows. No *Close*/*Destroy*/*Free* call of these APIs
// appears outside this header. Private to sync/windows: never included by a public sync/ header.
#pragma once

// clang-format off
#include <windows.h>
#include <bcrypt.h>
#include <ncrypt.h>
#include <wincrypt.h>
#include <winhttp.h>
// clang-format on

#include <memory>

#include "common/c_free.h"

namespace ctim::sync::windows {

inline void CloseInternet(void* h) noexcept { WinHttpCloseHandle(h); }
inline void CloseAlgorithm(void* h) noexcept { BCryptCloseAlgorithmProvider(h, 0); }
inline void DestroyKey(void* h) noexcept { BCryptDestroyKey(h); }
inline void DestroyHash(void* h) noexcept { BCryptDestroyHash(h); }
inline void FreeCertificate(const CERT_CONTEXT* c) noexcept { CertFreeCertificateContext(c); }
inline void CloseStore(void* h) noexcept { CertCloseStore(h, 0); }
inline void FreeLocal(void* p) noexcept { LocalFree(p); }

// HINTERNET, BCRYPT_*_HANDLE and HCERTSTORE are all void*: one alias per kind keeps the deleters apart.
using InternetHandle = std::unique_ptr<void, CFree<&CloseInternet>>;
using AlgorithmHandle = std::unique_ptr<void, CFree<&CloseAlgorithm>>;
using KeyHandle = std::unique_ptr<void, CFree<&DestroyKey>>;
using HashHandle = std::unique_ptr<void, CFree<&DestroyHash>>;
using CertificateContext = std::unique_ptr<const CERT_CONTEXT, CFree<&FreeCertificate>>;
using CertStore = std::unique_ptr<void, CFree<&CloseStore>>;
using LocalMemory = std::unique_ptr<void, CFree<&FreeLocal>>;

// NCRYPT_KEY_HANDLE is an integer type, not a pointer: its own small owner.
class NcryptKey {
 public:
  NcryptKey() = default;
  explicit NcryptKey(NCRYPT_KEY_HANDLE h) : h_(h) {}
  NcryptKey(NcryptKey&& o) noexcept : h_(o.h_) { o.h_ = 0; }
  NcryptKey& operator=(NcryptKey&& o) noexcept {
    if (this != &o) {
      if (h_ != 0) NCryptFreeObject(h_);
      h_ = o.h_;
      o.h_ = 0;
    }
    return *this;
  }
  NcryptKey(const NcryptKey&) = delete;
  ~NcryptKey() {
    if (h_ != 0) NCryptFreeObject(h_);
  }
  [[nodiscard]] NCRYPT_KEY_HANDLE get() const { return h_; }

 private:
  NCRYPT_KEY_HANDLE h_ = 0;
};

}  // namespace ctim::sync::windows
