# ldap_modify_bench: pipelined modifies through ldap/ vs `ldapmodify -f` on the same LDIF shape, same
# bind, same run. A plain executable (not ctest): run it against the lab, read the printed ratio.
add_executable(ldap_modify_bench ${CMAKE_CURRENT_LIST_DIR}/ldap_modify_bench.cpp)
target_link_libraries(ldap_modify_bench PRIVATE ctim_ldap ctim_common fmt::fmt)
ctim_target_warnings(ldap_modify_bench)
