# Third-party parts of the Windows build (doc/windows.md), under the names the layers already use, so no
# layer's CMakeLists.txt has to know which platform it is built for:
#   fmt::fmt spdlog::spdlog nlohmann_json::nlohmann_json cxxopts::cxxopts TOMLPP_INCLUDE_DIR
#       Debian's header-only libraries, exposed through a directory of symlinks. The host's /usr/include is
#       never on the mingw include path (glibc's headers would shadow mingw's).
#   SQLite::SQLite3   the pinned amalgamation (scripts/get-sqlite-amalgamation.sh) as a static library.
#   GTest::gtest GTest::gmock GTest::gtest_main   GoogleTest from Debian's /usr/src/googletest.
# cmake/windows/Find*.cmake answer find_package() for these targets.
include_guard(GLOBAL)

set(_ctim_host_headers ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${_ctim_host_headers})
foreach(header spdlog fmt nlohmann toml++ cxxopts.hpp)
  if(NOT EXISTS /usr/include/${header})
    message(FATAL_ERROR "/usr/include/${header} is missing: run scripts/install-deps.sh")
  endif()
  file(CREATE_LINK /usr/include/${header} ${_ctim_host_headers}/${header} SYMBOLIC)
endforeach()

add_library(ctim_win_fmt INTERFACE)
target_include_directories(ctim_win_fmt SYSTEM INTERFACE ${_ctim_host_headers})
target_compile_definitions(ctim_win_fmt INTERFACE FMT_HEADER_ONLY)
add_library(fmt::fmt ALIAS ctim_win_fmt)
# Debian's spdlog/tweakme.h sets SPDLOG_FMT_EXTERNAL; without SPDLOG_COMPILED_LIB spdlog is header-only.
add_library(ctim_win_spdlog INTERFACE)
target_link_libraries(ctim_win_spdlog INTERFACE ctim_win_fmt)
add_library(spdlog::spdlog ALIAS ctim_win_spdlog)
add_library(ctim_win_json INTERFACE)
target_include_directories(ctim_win_json SYSTEM INTERFACE ${_ctim_host_headers})
add_library(nlohmann_json::nlohmann_json ALIAS ctim_win_json)
add_library(ctim_win_cxxopts INTERFACE)
target_include_directories(ctim_win_cxxopts SYSTEM INTERFACE ${_ctim_host_headers})
add_library(cxxopts::cxxopts ALIAS ctim_win_cxxopts)
set(TOMLPP_INCLUDE_DIR ${_ctim_host_headers} CACHE PATH "toml++ headers (symlinked from Debian's)" FORCE)

set(CTIM_SQLITE_DIR ${PROJECT_SOURCE_DIR}/build/third_party/sqlite-3520000
    CACHE PATH "SQLite amalgamation for the Windows build (scripts/get-sqlite-amalgamation.sh)")
if(NOT EXISTS ${CTIM_SQLITE_DIR}/sqlite3.c OR NOT EXISTS ${CTIM_SQLITE_DIR}/sqlite3.h)
  message(FATAL_ERROR "No SQLite amalgamation in ${CTIM_SQLITE_DIR}: run scripts/get-sqlite-amalgamation.sh "
                      "(or set CTIM_SQLITE_DIR to a folder holding the pinned sqlite3.c and sqlite3.h)")
endif()
add_library(ctim_sqlite3 STATIC ${CTIM_SQLITE_DIR}/sqlite3.c)
target_include_directories(ctim_sqlite3 SYSTEM PUBLIC ${CTIM_SQLITE_DIR})
# Thread-safe (the journal is used from several threads); double-quoted string literals off as SQLite
# recommends; no extension loading. -O2 without debug information whatever the build type: sqlite3.c is
# 9 MB and costs ~20 s and ~500 MB of memory to compile, so ccache and one build per build dir matter.
target_compile_definitions(ctim_sqlite3 PRIVATE SQLITE_THREADSAFE=1 SQLITE_DQS=0 SQLITE_OMIT_LOAD_EXTENSION)
target_compile_options(ctim_sqlite3 PRIVATE -O2 -g0)
add_library(SQLite::SQLite3 ALIAS ctim_sqlite3)

set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
set(gtest_disable_pthreads ON CACHE BOOL "GoogleTest uses Win32 threads" FORCE)
add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)

list(PREPEND CMAKE_MODULE_PATH ${CMAKE_CURRENT_LIST_DIR}/windows)
