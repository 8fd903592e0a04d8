file(REMOVE_RECURSE
  "CMakeFiles/test_memblock.dir/tests/test_memblock.c.o"
  "CMakeFiles/test_memblock.dir/tests/test_memblock.c.o.d"
  "test_memblock"
  "test_memblock.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_memblock.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
