# Windows build: find_package(SQLite3) finds the target cmake/CtimWindowsDeps.cmake made.
include(FindPackageHandleStandardArgs)
if(TARGET SQLite::SQLite3)
  set(SQLite3_TARGET SQLite::SQLite3)
endif()
find_package_handle_standard_args(SQLite3 REQUIRED_VARS SQLite3_TARGET)
