file(REMOVE_RECURSE
  "CMakeFiles/test_lib.dir/tests/test_lib.c.o"
  "CMakeFiles/test_lib.dir/tests/test_lib.c.o.d"
  "test_lib"
  "test_lib.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_lib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
