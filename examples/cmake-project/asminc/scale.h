// Included by mathfuncs_amd64.s through gostack_add_asm's INCLUDE_DIRS.
#ifndef SCALE
#define SCALE 1
#endif
