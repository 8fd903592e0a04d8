file(REMOVE_RECURSE
  "libkmm.pdb"
  "libkmm.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kmm_shared.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
