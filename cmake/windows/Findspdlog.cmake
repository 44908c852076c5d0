# Windows build: find_package(spdlog) finds the target cmake/CtimWindowsDeps.cmake made.
include(FindPackageHandleStandardArgs)
if(TARGET spdlog::spdlog)
  set(spdlog_TARGET spdlog::spdlog)
endif()
find_package_handle_standard_args(spdlog REQUIRED_VARS spdlog_TARGET)
