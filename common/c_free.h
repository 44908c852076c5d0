// One deleter for every C handle: std::unique_ptr<T, CFree<&free_fn>>. No *_free call appears outside
// the headers that declare these aliases.
#pragma once

namespace ctim {

template <auto Free>
struct CFree {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

}  // namespace ctim
