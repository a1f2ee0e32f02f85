// What every harness of fuzz/ shares (docs/fuzzing.md): a per-process
// scratch file for loaders that take a path, the rule for refusals and a
// check that turns a broken invariant into a crash libFuzzer reports.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

namespace axbnn::fuzz {

// A file name of this process under /dev/shm (tmpfs: no disk writes per
// input) or, without it, the temporary directory; `name` keeps the
// extension a loader dispatches on (".json", ".v", ".gz").
inline std::string scratchPath(const std::string& name)
{
    static const std::filesystem::path dir = [] {
        std::error_code ec;
        const std::filesystem::path shm = "/dev/shm";
        std::filesystem::path base = std::filesystem::is_directory(shm, ec) && ::access("/dev/shm", W_OK) == 0
            ? shm
            : std::filesystem::temp_directory_path();
        std::filesystem::path d = base / ("axbnn-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        // Removed when the fuzzer exits normally (libFuzzer calls exit()).
        static const std::string removeAtExit = d.string();
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(removeAtExit, ignored);
        });
        return d;
    }();
    return (dir / name).string();
}

// Writes the input to scratchPath(name) and returns that path.
inline std::string writeScratch(const std::string& name, const uint8_t* data, size_t size)
{
    const std::string path = scratchPath(name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out.flush()) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
    return path;
}

// A broken invariant: print it and abort, so libFuzzer keeps the input.
// The whole content of a file ("" if it cannot be read).
inline std::string readWhole(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

[[noreturn]] inline void fail(const std::string& what)
{
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
    std::abort();
}

inline void check(bool condition, const std::string& what)
{
    if (!condition)
        fail(what);
}

// Runs what must succeed on a loaded value (serialising it, reading that
// back): any exception is a broken invariant.
inline void mustNotThrow(const std::function<void()>& step, const std::string& what)
{
    try {
        step();
    } catch (const std::exception& e) {
        fail(what + " threw: " + e.what());
    }
}

// Runs `load` on one input. A std::exception is the loader's refusal and
// the expected outcome for most inputs, with two conditions: the message
// names `origin` (the file, as every refusal must; empty `origin`: not
// checked) and the refusal is not an allocation failure or a length error,
// which mean a size was taken from the input without a check (libFuzzer's
// -malloc_limit_mb catches most of those before they throw). With the
// environment variable AXBNN_FUZZ_VERBOSE set, each refusal is printed
// (to see which seeds load).
inline void refusalOk(const std::function<void()>& load, const std::string& origin)
{
    try {
        load();
    } catch (const std::bad_alloc& e) {
        fail(std::string("allocation failed instead of a refusal: ") + e.what());
    } catch (const std::length_error& e) {
        fail(std::string("length error instead of a refusal: ") + e.what());
    } catch (const std::exception& e) {
        const std::string_view message = e.what();
        static const bool verbose = std::getenv("AXBNN_FUZZ_VERBOSE") != nullptr;
        if (verbose)
            std::fprintf(stderr, "refused: %s\n", e.what());
        check(!message.empty(), "empty refusal message");
        if (!origin.empty())
            check(message.find(origin) != std::string_view::npos,
                  "the refusal does not name the file " + origin + ": " + std::string(message.substr(0, 300)));
    }
}

} // namespace axbnn::fuzz
