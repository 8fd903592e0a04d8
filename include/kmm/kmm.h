/* SPDX-License-Identifier: MIT */
/* kmm/kmm.h - everything: include this to use kmm. */
#ifndef KMM_KMM_H
#define KMM_KMM_H
#include <kmm/types.h>
#include <kmm/printk.h>
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/e820.h>
#include <kmm/numa.h>
#include <kmm/mmzone.h>
#include <kmm/gfp.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>
#endif
