# `ctim-agent doctor` as a process, on the lab and on a lab without the Exchange schema extension.
add_test(NAME doctor_cli COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/doctor_cli_test.sh $<TARGET_FILE:ctim-agent>)
set_tests_properties(doctor_cli PROPERTIES LABELS integration TIMEOUT 300)
