file(REMOVE_RECURSE
  "libkmm.a"
  "libkmm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kmm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
