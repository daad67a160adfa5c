// gostack's funcdata.h: PCDATA and FUNCDATA table numbers and the helper macros that
// assembly functions use to describe their stack frames to the garbage collector.
// The numbers are the ones the Go 1.19 runtime reads (runtime/symtab.go).

// PCDATA tables (PCDATA $table, $value).
#define PCDATA_UnsafePoint 0
#define PCDATA_StackMapIndex 1
#define PCDATA_InlTreeIndex 2
#define PCDATA_ArgLiveIndex 3

// FUNCDATA slots (FUNCDATA $slot, symbol(SB)).
#define FUNCDATA_ArgsPointerMaps 0
#define FUNCDATA_LocalsPointerMaps 1
#define FUNCDATA_StackObjects 2
#define FUNCDATA_InlTree 3
#define FUNCDATA_OpenCodedDeferInfo 4
#define FUNCDATA_ArgInfo 5
#define FUNCDATA_ArgLiveInfo 6
#define FUNCDATA_WrapInfo 7

// The argument pointer map comes from the Go declaration of the function
// (the assembler resolves go_args_stackmap to <func>.args_stackmap).
#define GO_ARGS	FUNCDATA $FUNCDATA_ArgsPointerMaps, go_args_stackmap(SB)

// From this point on the results are initialized and may hold live pointers:
// switch to the second stack map, the one that includes results.
#define GO_RESULTS_INITIALIZED	PCDATA $PCDATA_StackMapIndex, $1

// The local frame holds no pointers (the assembler supplies an empty locals map).
#define NO_LOCAL_POINTERS	FUNCDATA $FUNCDATA_LocalsPointerMaps, no_pointers_stackmap(SB)

// The argument size written when a TEXT line gives only $frame (no -args).
#define ArgsSizeUnknown 0x80000000
