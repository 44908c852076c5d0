# `ctim-agent serve` as a process: systemd notify protocol, JSON logs, SIGTERM, sweeps of the journal.
add_test(NAME serve_cli COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/serve_cli_test.py $<TARGET_FILE:ctim-agent>)
set_tests_properties(serve_cli PROPERTIES LABELS integration TIMEOUT 300 ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)
# `serve` taking files from its inbox: auto and approve mode, guardrails, arrival, duplicates, broken files,
# one serve per state directory, kill -9 and SIGTERM in the middle of a write.
add_test(NAME serve_inbox COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/serve_inbox_test.py $<TARGET_FILE:ctim-agent>)
set_tests_properties(serve_inbox PROPERTIES LABELS integration TIMEOUT 1500 ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)
