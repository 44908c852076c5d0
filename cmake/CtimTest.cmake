# Test helpers. Every test has a label (unit | integration | fuzz) and a TIMEOUT.
#   ctim_unit_test(NAME <name> SOURCES <files...> LIBS <libs...>)
#   ctim_integration_test(NAME <name> SOURCES <files...> LIBS <libs...> [TIMEOUT s])
# Integration tests need the lab (tests/lab/lab.sh up); they read its settings from the environment that
# tests/lab/lab.sh env prints, and FAIL (never skip) when the lab is missing.
include_guard(GLOBAL)

function(_ctim_gtest kind)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  find_package(GTest REQUIRED)
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  ctim_target_warnings(${T_NAME})
  if(NOT T_TIMEOUT)
    if(kind STREQUAL "unit")
      set(T_TIMEOUT 60)
    else()
      set(T_TIMEOUT 600)
    endif()
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${kind} TIMEOUT ${T_TIMEOUT})
endfunction()

function(ctim_unit_test)
  _ctim_gtest(unit ${ARGN})
endfunction()

function(ctim_integration_test)
  _ctim_gtest(integration ${ARGN})
endfunction()
