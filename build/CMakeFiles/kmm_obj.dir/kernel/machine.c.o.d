CMakeFiles/kmm_obj.dir/kernel/machine.c.o: /work/main/kernel/machine.c \
 /work/main/include/kmm/machine.h /work/main/include/kmm/types.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdint.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdint-gcc.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/limits.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/syslimits.h \
 /usr/include/limits.h \
 /usr/include/x86_64-linux-gnu/bits/libc-header-start.h \
 /usr/include/features.h /usr/include/features-time64.h \
 /usr/include/x86_64-linux-gnu/bits/wordsize.h \
 /usr/include/x86_64-linux-gnu/bits/timesize.h /usr/include/stdc-predef.h \
 /usr/include/x86_64-linux-gnu/sys/cdefs.h \
 /usr/include/x86_64-linux-gnu/bits/long-double.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs-64.h \
 /work/main/include/kmm/list.h /work/main/include/kmm/spinlock.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdatomic.h \
 /work/main/include/kmm/platform.h /work/main/include/kmm/e820.h \
 /work/main/include/kmm/memblock.h /work/main/include/kmm/bootmem.h \
 /work/main/include/kmm/mmzone.h /work/main/include/kmm/page_flags.h \
 /work/main/include/kmm/mm_types.h /work/main/include/kmm/numa.h \
 /work/main/include/kmm/mm.h /work/main/include/kmm/printk.h \
 /work/main/include/kmm/string.h /work/main/include/kmm/cmdline.h
