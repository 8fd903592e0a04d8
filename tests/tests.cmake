# Every tests/test_*.c is one test program, registered with CTest.
file(GLOB KMM_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.c)
foreach(src ${KMM_TEST_SOURCES})
	get_filename_component(name ${src} NAME_WE)
	add_executable(${name} ${src})
	target_compile_definitions(${name} PRIVATE _GNU_SOURCE
		KMM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
	target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
	target_link_libraries(${name} kmm)
	add_test(NAME ${name} COMMAND ${name})
	set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endforeach()
# Shell-level tests of the CLI (tests/cli_*.sh).
file(GLOB KMM_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli_*.sh)
foreach(sh ${KMM_CLI_TESTS})
	get_filename_component(name ${sh} NAME_WE)
	add_test(NAME ${name} COMMAND bash ${sh} $<TARGET_FILE:kmm_cli> ${CMAKE_SOURCE_DIR})
	set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endforeach()
