# Windows build: find_package(fmt) finds the target cmake/CtimWindowsDeps.cmake made.
include(FindPackageHandleStandardArgs)
if(TARGET fmt::fmt)
  set(fmt_TARGET fmt::fmt)
endif()
find_package_handle_standard_args(fmt REQUIRED_VARS fmt_TARGET)
