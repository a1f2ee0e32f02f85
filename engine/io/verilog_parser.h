// Syntax tree of the gate-level Verilog subset (docs/netlist-import.md) and
// its parser; io/verilog_import.cpp turns it into a gate graph.
#pragma once

#include "io/verilog_lexer.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace axbnn::verilog {

struct Expr {
    enum Op { Ref, Const, Not, And, Or, Xor, Xnor, Ternary, Concat, Repeat } op = Ref;
    std::string name; // Ref
    bool select = false; // Ref: [msb:lsb] or [index] given
    int msb = 0, lsb = 0; // Ref with select ([i] is [i:i])
    std::vector<int> bits; // Const, least significant first; -1 for x or z
    int count = 0; // Repeat
    std::vector<std::unique_ptr<Expr>> args;
    int line = 0;
    int depth = 1; // levels of the tree below and including this node
};

// Expressions nest at most this deep, parentheses, operators of a chain
// (a ^ b ^ c is two levels) and concatenations alike: parser, elaborator and
// destructor recurse on it (docs/netlist-import.md, "Limits").
inline constexpr int kMaxExpressionDepth = 500;

struct Net {
    enum Dir { Wire, Input, Output } dir = Wire;
    int msb = 0, lsb = 0; // scalar: 0, 0
    int line = 0;
};

struct Connection {
    std::string port;
    std::unique_ptr<Expr> expr; // null for .port()
    int line = 0;
};

struct Instance {
    std::string module, name;
    std::vector<Connection> connections;
    int line = 0;
};

struct Assign {
    std::unique_ptr<Expr> lhs, rhs;
    int line = 0;
};

struct Module {
    std::string name;
    int line = 0;
    std::vector<std::string> ports;
    std::map<std::string, Net> nets;
    std::vector<Assign> assigns;
    std::vector<Instance> instances;
};

// Parses every module of the file. Throws std::runtime_error
// "origin: line N: ..." on anything outside the subset.
std::vector<Module> parseModules(const std::vector<Token>& tokens, const std::string& origin);

} // namespace axbnn::verilog
