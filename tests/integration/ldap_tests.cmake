# ldap/ against the lab DC: binds, TLS failures, paged search, binary values, per-value modify,
# pipelined modify, <GUID=...> reads, doctor checks, paging against an AD-like MaxPageSize
# (tests/lab/ad_limits_proxy.py). Reads the lab from CTIM_LAB_* (tests/lab/lab.sh env).
add_library(ctim_ldap_lab STATIC ${CMAKE_CURRENT_LIST_DIR}/ldap_lab.cpp)
target_link_libraries(ctim_ldap_lab PUBLIC ctim_ldap GTest::gtest)
ctim_target_warnings(ctim_ldap_lab)

foreach(name bind search paging modify pipeline doctor)
  ctim_integration_test(NAME ldap_${name}_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/ldap_${name}_test.cpp
    LIBS ctim_ldap_lab ctim_ldap
    TIMEOUT 300)
endforeach()
target_compile_definitions(ldap_paging_test PRIVATE CTIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
