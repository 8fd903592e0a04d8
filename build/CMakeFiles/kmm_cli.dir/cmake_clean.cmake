file(REMOVE_RECURSE
  "CMakeFiles/kmm_cli.dir/tools/kmm.c.o"
  "CMakeFiles/kmm_cli.dir/tools/kmm.c.o.d"
  "kmm"
  "kmm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kmm_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
