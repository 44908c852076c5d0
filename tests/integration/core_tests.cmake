# The plan/write/rollback core against the lab, with the agent run as a process: plan -> write -> re-read with
# ldapsearch (2,000 users), conflicts and refusals, rollback, kill -9 at random points, CLI exit codes.
# Needs the lab (tests/lab/lab.sh up, eval "$(tests/lab/lab.sh env)") inside `lab.sh netns`; FAILS without it.
# Each test resets the lab (lab.sh reset) and seeds what it needs; tests never rely on order.
add_library(ctim_core_lab STATIC ${CMAKE_CURRENT_LIST_DIR}/core_lab.cpp)
target_link_libraries(ctim_core_lab PUBLIC ctim_common fmt::fmt)
target_include_directories(ctim_core_lab PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(ctim_core_lab PRIVATE CTIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  CTIM_AGENT_BIN="$<TARGET_FILE:ctim-agent>")
ctim_target_warnings(ctim_core_lab)

foreach(name write conflicts rollback cli kill elc)
  ctim_integration_test(NAME core_${name}_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_${name}_test.cpp
    LIBS ctim_core_lab nlohmann_json::nlohmann_json
    TIMEOUT 1800)
  add_dependencies(core_${name}_test ctim-agent)
endforeach()

# plan/write with [cloud] configured against the HTTPS cloud emulator (its own, on ephemeral ports), then verify.
ctim_integration_test(NAME core_cloud_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_cloud_test.cpp
  LIBS ctim_core_lab ctim_verify_lab nlohmann_json::nlohmann_json
  TIMEOUT 900)
add_dependencies(core_cloud_test ctim-agent)

# Races between plan and modify on the real DC (rename/move, an admin's change), driven in-process through
# write's own code path so the administrator's change lands exactly between the plan and the first modify.
ctim_integration_test(NAME core_races_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_races_test.cpp
  LIBS ctim_core_lab ctim_service nlohmann_json::nlohmann_json
  TIMEOUT 900)
add_dependencies(core_races_test ctim-agent)

# kill -9 during `rollback`, then rollback again: byte-identical restore.
ctim_integration_test(NAME core_kill_rollback_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_kill_rollback_test.cpp
  LIBS ctim_core_lab nlohmann_json::nlohmann_json
  TIMEOUT 1800)
add_dependencies(core_kill_rollback_test ctim-agent)

# The journal fills up under a running write (a tiny tmpfs in the lab's mount namespace).
ctim_integration_test(NAME core_journal_fault_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_journal_fault_test.cpp
  LIBS ctim_core_lab nlohmann_json::nlohmann_json
  TIMEOUT 900)
add_dependencies(core_journal_fault_test ctim-agent)
