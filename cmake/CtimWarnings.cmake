# Warnings for every ctim target, and the sanitizer switch. Packagers get warnings, never -Werror,
# unless they ask for it (CTIM_WERROR); CI asks for it.
set(CTIM_WARNING_FLAGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wformat=2
    -Wimplicit-fallthrough)
if(CTIM_WERROR)
  list(APPEND CTIM_WARNING_FLAGS -Werror)
endif()
if(WIN32 AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # mingw GCC 12 at -O3 (the windows preset) reports -Wrestrict inside libstdc++'s char_traits for plain
  # std::string appends (GCC bug 105329, fixed in GCC 13); the Linux builds keep the warning.
  list(APPEND CTIM_WARNING_FLAGS -Wno-restrict)
endif()

if(CTIM_SANITIZE)
  # GCC 12 + ASan at -O2 reports -Wmaybe-uninitialized false positives inside libstdc++ (std::regex
  # via cxxopts, std::function); the GCC manual warns that sanitizers make this warning unreliable.
  # The non-sanitized builds keep it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")  # clang (the fuzz preset) has no such warning
    list(APPEND CTIM_WARNING_FLAGS -Wno-maybe-uninitialized)
  endif()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# ctim_target_warnings(<target>): the project's warning set, for code we own (not third-party headers).
function(ctim_target_warnings target)
  # C and C++ only: a Windows executable's resource script (windres) takes none of these.
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:C,CXX>:${CTIM_WARNING_FLAGS}>")
endfunction()
