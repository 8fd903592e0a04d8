# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_bootmem "/work/main/build/test_bootmem")
set_tests_properties(test_bootmem PROPERTIES  TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/tests.cmake;10;add_test;/work/main/tests/tests.cmake;0;;/work/main/CMakeLists.txt;73;include;/work/main/CMakeLists.txt;0;")
add_test(test_lib "/work/main/build/test_lib")
set_tests_properties(test_lib PROPERTIES  TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/tests.cmake;10;add_test;/work/main/tests/tests.cmake;0;;/work/main/CMakeLists.txt;73;include;/work/main/CMakeLists.txt;0;")
add_test(test_memblock "/work/main/build/test_memblock")
set_tests_properties(test_memblock PROPERTIES  TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/tests.cmake;10;add_test;/work/main/tests/tests.cmake;0;;/work/main/CMakeLists.txt;73;include;/work/main/CMakeLists.txt;0;")
