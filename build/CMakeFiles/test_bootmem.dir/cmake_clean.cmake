file(REMOVE_RECURSE
  "CMakeFiles/test_bootmem.dir/tests/test_bootmem.c.o"
  "CMakeFiles/test_bootmem.dir/tests/test_bootmem.c.o.d"
  "test_bootmem"
  "test_bootmem.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_bootmem.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
