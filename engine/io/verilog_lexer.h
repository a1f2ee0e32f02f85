// Tokens of the gate-level Verilog subset read by io/verilog_import.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace axbnn::verilog {

struct Token {
    enum Kind { Ident, Number, Symbol, End } kind = End;
    std::string text; // identifiers without the escape backslash; numbers as written
    int line = 0;
};

// Splits `text` into tokens, dropping comments, `(* attributes *)` and
// compiler directives (`default_nettype ...). Throws std::runtime_error
// "origin: line N: ..." on characters outside the subset.
std::vector<Token> tokenize(std::string_view text, const std::string& origin);

} // namespace axbnn::verilog
