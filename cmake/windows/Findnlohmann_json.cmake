# Windows build: find_package(nlohmann_json) finds the target cmake/CtimWindowsDeps.cmake made.
include(FindPackageHandleStandardArgs)
if(TARGET nlohmann_json::nlohmann_json)
  set(nlohmann_json_TARGET nlohmann_json::nlohmann_json)
endif()
find_package_handle_standard_args(nlohmann_json REQUIRED_VARS nlohmann_json_TARGET)
