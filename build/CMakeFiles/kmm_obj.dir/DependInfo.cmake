
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/arch/x86/e820.c" "CMakeFiles/kmm_obj.dir/arch/x86/e820.c.o" "gcc" "CMakeFiles/kmm_obj.dir/arch/x86/e820.c.o.d"
  "/work/main/arch/x86/numa.c" "CMakeFiles/kmm_obj.dir/arch/x86/numa.c.o" "gcc" "CMakeFiles/kmm_obj.dir/arch/x86/numa.c.o.d"
  "/work/main/arch/x86/setup.c" "CMakeFiles/kmm_obj.dir/arch/x86/setup.c.o" "gcc" "CMakeFiles/kmm_obj.dir/arch/x86/setup.c.o.d"
  "/work/main/fw/firmware.c" "CMakeFiles/kmm_obj.dir/fw/firmware.c.o" "gcc" "CMakeFiles/kmm_obj.dir/fw/firmware.c.o.d"
  "/work/main/init/main.c" "CMakeFiles/kmm_obj.dir/init/main.c.o" "gcc" "CMakeFiles/kmm_obj.dir/init/main.c.o.d"
  "/work/main/kernel/machine.c" "CMakeFiles/kmm_obj.dir/kernel/machine.c.o" "gcc" "CMakeFiles/kmm_obj.dir/kernel/machine.c.o.d"
  "/work/main/kernel/params.c" "CMakeFiles/kmm_obj.dir/kernel/params.c.o" "gcc" "CMakeFiles/kmm_obj.dir/kernel/params.c.o.d"
  "/work/main/kernel/printk.c" "CMakeFiles/kmm_obj.dir/kernel/printk.c.o" "gcc" "CMakeFiles/kmm_obj.dir/kernel/printk.c.o.d"
  "/work/main/lib/cmdline.c" "CMakeFiles/kmm_obj.dir/lib/cmdline.c.o" "gcc" "CMakeFiles/kmm_obj.dir/lib/cmdline.c.o.d"
  "/work/main/lib/sort.c" "CMakeFiles/kmm_obj.dir/lib/sort.c.o" "gcc" "CMakeFiles/kmm_obj.dir/lib/sort.c.o.d"
  "/work/main/lib/vsprintf.c" "CMakeFiles/kmm_obj.dir/lib/vsprintf.c.o" "gcc" "CMakeFiles/kmm_obj.dir/lib/vsprintf.c.o.d"
  "/work/main/mm/bootmem.c" "CMakeFiles/kmm_obj.dir/mm/bootmem.c.o" "gcc" "CMakeFiles/kmm_obj.dir/mm/bootmem.c.o.d"
  "/work/main/mm/memblock.c" "CMakeFiles/kmm_obj.dir/mm/memblock.c.o" "gcc" "CMakeFiles/kmm_obj.dir/mm/memblock.c.o.d"
  "/work/main/mm/mm_init.c" "CMakeFiles/kmm_obj.dir/mm/mm_init.c.o" "gcc" "CMakeFiles/kmm_obj.dir/mm/mm_init.c.o.d"
  "/work/main/mm/page_alloc.c" "CMakeFiles/kmm_obj.dir/mm/page_alloc.c.o" "gcc" "CMakeFiles/kmm_obj.dir/mm/page_alloc.c.o.d"
  "/work/main/mm/sparse.c" "CMakeFiles/kmm_obj.dir/mm/sparse.c.o" "gcc" "CMakeFiles/kmm_obj.dir/mm/sparse.c.o.d"
  "/work/main/mm/vmstat.c" "CMakeFiles/kmm_obj.dir/mm/vmstat.c.o" "gcc" "CMakeFiles/kmm_obj.dir/mm/vmstat.c.o.d"
  "/work/main/platform/posix.c" "CMakeFiles/kmm_obj.dir/platform/posix.c.o" "gcc" "CMakeFiles/kmm_obj.dir/platform/posix.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
