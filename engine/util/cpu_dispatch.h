// Run-time choice of the instruction set for the fast kernels (Larq Compute
// Engine style): one function decides, every kernel family follows it.
#pragma once

#include <string>

namespace axbnn {

enum class Isa {
    Portable, // baseline x86-64 (or any other CPU): plain C++
    Avx2 // AVX2 + POPCNT, compiled per function with target attributes
};

// The instruction set the fast kernels use: AVX2 when the CPU has AVX2 and
// POPCNT, else Portable. The environment variable AXBNN_ISA=portable forces
// the portable kernels (for benchmarks and tests). Decided once per process.
Isa detectedIsa();

// Whether this CPU can run kernels compiled for `isa`.
bool isaSupported(Isa isa);

std::string isaName(Isa isa);

} // namespace axbnn
