# The cloud side against the REAL HTTPS cloud emulator (tests/cloud_emulator), started by each
# test on ephemeral ports, and the lab AD (tests/lab): sync/ clients (tokens, CA, fault switches) and
# `ctim-agent verify` end to end. Reads the lab from CTIM_LAB_* (tests/lab/lab.sh env); FAILS without it.
find_package(CURL REQUIRED)
find_package(GTest REQUIRED)
add_library(ctim_verify_lab STATIC ${CMAKE_CURRENT_LIST_DIR}/verify_lab.cpp)
target_link_libraries(ctim_verify_lab PUBLIC ctim_common nlohmann_json::nlohmann_json GTest::gtest CURL::libcurl)
target_compile_definitions(ctim_verify_lab PUBLIC CTIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_include_directories(ctim_verify_lab PUBLIC ${CMAKE_CURRENT_LIST_DIR})
ctim_target_warnings(ctim_verify_lab)

ctim_integration_test(NAME sync_cloud_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/sync_cloud_test.cpp
  LIBS ctim_verify_lab ctim_sync
  TIMEOUT 600)  # ~280 s on a loaded 2-core machine, most of it Retry-After and backoff waits

ctim_integration_test(NAME verify_cloud_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/verify_e2e_test.cpp ${CMAKE_CURRENT_LIST_DIR}/verify_cli_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/verify_migration_test.cpp
  LIBS ctim_verify_lab ctim_agent_adapters
  TIMEOUT 900)
target_compile_definitions(verify_cloud_test PRIVATE CTIM_AGENT_BIN="$<TARGET_FILE:ctim-agent>")
add_dependencies(verify_cloud_test ctim-agent)

# Replication (agent/verify/replica_check.h) against a second lab DC (tests/lab/lab.sh up-dc2, joined here only):
# verify waits for the DC Entra Connect reads, and doctor has its row.
ctim_integration_test(NAME replication_lab_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/replication_test.cpp
  LIBS ctim_verify_lab ctim_agent_adapters
  TIMEOUT 300)
target_compile_definitions(replication_lab_test PRIVATE CTIM_AGENT_BIN="$<TARGET_FILE:ctim-agent>")
add_dependencies(replication_lab_test ctim-agent)
