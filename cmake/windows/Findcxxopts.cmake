# Windows build: find_package(cxxopts) finds the target cmake/CtimWindowsDeps.cmake made.
include(FindPackageHandleStandardArgs)
if(TARGET cxxopts::cxxopts)
  set(cxxopts_TARGET cxxopts::cxxopts)
endif()
find_package_handle_standard_args(cxxopts REQUIRED_VARS cxxopts_TARGET)
