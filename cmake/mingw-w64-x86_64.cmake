# Cross toolchain for the Windows build (doc/windows.md): Debian 12's mingw-w64 GCC 12, tests run under Wine.
#   cmake --preset windows            (CMakePresets.json names this file)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_ctim_triple x86_64-w64-mingw32)
# The -posix compilers: the unversioned x86_64-w64-mingw32-g++ is the win32 thread model, whose GCC 12
# libstdc++ has no std::mutex, std::condition_variable_any or std::jthread.
set(CMAKE_C_COMPILER ${_ctim_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_ctim_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_ctim_triple}-windres)
# Libraries and headers come only from the mingw sysroot; the host's /usr/include would shadow mingw's
# C headers with glibc's. Header-only libraries are exposed one by one (cmake/CtimWindowsDeps.cmake).
set(CMAKE_FIND_ROOT_PATH /usr/${_ctim_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# One self-contained .exe: no libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
# ctest runs every test executable through Wine (scripts/wine-env.sh prepares the prefix).
find_program(CTIM_WINE wine REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${CTIM_WINE})
