// Placeholder until the encoder lands.
#include "encode/encode.h"
namespace gostack {
void encode_function(Unit&, Symbol* fn, Diag& diag) { diag.error(fn->name + ": encoder not built yet"); }
bool op_supported(Op) { return false; }
}  // namespace gostack
