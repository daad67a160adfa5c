// The -S listing, byte for byte in Go 1.19's format: symbol header lines, one line per
// instruction, hex dump and relocation lines.
#pragma once

#include <string>

#include "core/symbol.h"

namespace gostack {

// One instruction as Go prints it after the pc column: "(file.s:6)\tMOVQ\t(TLS), R14".
std::string format_prog(const Unit& unit, const Prog& p);
// The same without the position: "MOVQ\t(TLS), R14" (for messages that carry file:line already).
std::string format_instruction(const Unit& unit, const Prog& p);

// One operand as Go prints it: "16(R14)", "\"\".leaf(SB)", "$24-8", "$-128".
std::string format_addr(const Unit& unit, const Prog& p, const Addr& a);

// Appends the whole listing of the unit (text symbols, then data symbols, as Go orders them).
void write_listing(const Unit& unit, std::string& out);

}  // namespace gostack
