// gostack's funcdata.h: PCDATA/FUNCDATA table numbers and the GC-info macros of Go 1.19.
#define PCDATA_UnsafePoint 0
#define PCDATA_StackMapIndex 1
#define PCDATA_InlTreeIndex 2
#define PCDATA_ArgLiveIndex 3

#define FUNCDATA_ArgsPointerMaps 0
#define FUNCDATA_LocalsPointerMaps 1
#define FUNCDATA_StackObjects 2
#define FUNCDATA_InlTree 3
#define FUNCDATA_OpenCodedDeferInfo 4
#define FUNCDATA_ArgInfo 5
#define FUNCDATA_ArgLiveInfo 6
#define FUNCDATA_WrapInfo 7

// The argument pointer map comes from the Go declaration of the function (go_args_stackmap).
#define GO_ARGS	FUNCDATA $FUNCDATA_ArgsPointerMaps, go_args_stackmap(SB)
// From here on the results hold valid values.
#define GO_RESULTS_INITIALIZED	PCDATA $PCDATA_StackMapIndex, $1
// The frame holds no pointers.
#define NO_LOCAL_POINTERS	FUNCDATA $FUNCDATA_LocalsPointerMaps, no_pointers_stackmap(SB)

// The argument size of a function with no Go declaration.
#define ArgsSizeUnknown 0x80000000
