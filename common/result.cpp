#include "common/result.h"

namespace ctim {

std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kInvalidInput: return "invalid input";
    case Errc::kNotFound: return "not found";
    case Errc::kAmbiguous: return "ambiguous";
    case Errc::kConflict: return "conflict";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kUnauthenticated: return "unauthenticated";
    case Errc::kPermissionDenied: return "permission denied";
    case Errc::kInternal: return "internal error";
  }
  return "unknown";
}

Error Error::With(std::string_view where) && {
  if (!where.empty()) message = std::string(where) + ": " + message;
  return std::move(*this);
}

std::string Error::ToString() const {
  if (hint.empty()) return message;
  return message + " \u2014 " + hint;
}

}  // namespace ctim
