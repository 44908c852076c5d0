# Windows build: find_package(GTest) finds the target cmake/CtimWindowsDeps.cmake made.
include(FindPackageHandleStandardArgs)
if(TARGET GTest::gtest)
  set(GTest_TARGET GTest::gtest)
endif()
find_package_handle_standard_args(GTest REQUIRED_VARS GTest_TARGET)
