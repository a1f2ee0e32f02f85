// The module hierarchy of a parsed Verilog file, checked before elaboration:
// which module is the top, that no module contains itself, and that
// flattening the top stays within the netlist limits (util/input_limits.h,
// docs/netlist-import.md "Limits"). Everything here walks the module graph
// with explicit stacks, never recursing on the hierarchy's depth.
#pragma once

#include "io/verilog_parser.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace axbnn::verilog {

class Hierarchy {
public:
    // Indexes `modules` (kept by reference). Throws
    // "origin: line N: module 'm' is defined twice".
    Hierarchy(const std::vector<Module>& modules, const std::string& origin);

    // The module of that name, or nullptr when the file does not define it.
    const Module* find(const std::string& name) const;

    // `name`, or else the one module no other module instantiates. When every
    // module is instantiated, throws naming the cycle of instantiations.
    const Module& top(const std::string& name);

    // Throws "origin: line N: ..." before anything is built when flattening
    // `top` would instantiate a module inside itself, be more than
    // kMaxNetlistHierarchyDepth levels deep, create more than
    // kMaxNetlistInstances instances or kMaxNetlistNodes gates and wire bits,
    // or evaluate an expression wider than kMaxNetlistVectorWidth bits.
    // Returns the gates and wire bits flattening will make (an upper bound).
    uint64_t check(const Module& top);

private:
    // What flattening one module creates; counts saturate at kSaturated.
    struct Totals {
        uint64_t instances = 0; // module and gate-primitive instances
        uint64_t nodes = 0; // wire bits and gates
        int levels = 1; // the module itself is one level
        size_t deepest = SIZE_MAX; // the instantiated module below with the most levels
    };
    enum Color : char { Unseen, OnStack, Done };

    void walk(size_t start);
    uint64_t ownNodes(const Module& m) const;
    std::string chain(const std::vector<size_t>& path) const;
    [[noreturn]] void fail(int line, const std::string& what) const;

    const std::vector<Module>& modules_;
    std::string origin_;
    std::unordered_map<std::string, size_t> index_;
    std::vector<Totals> totals_;
    std::vector<Color> color_;
};

} // namespace axbnn::verilog
