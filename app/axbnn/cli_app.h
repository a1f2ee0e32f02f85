// The CLI::App both command-line executables start from: the name "axbnn"
// and one error line per failure, so `axbnn plot` says the same words
// whether axbnn or axbnn-export parses it.
#pragma once

#include "util/shown_text.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

namespace axbnn::cli {

// A random seed: decimal digits that fit 64 bits. CLI11 alone took -1 and
// 10^23 for an unsigned option and saturated them, so two different seeds
// silently gave the same run.
inline const CLI::Validator kSeedValidator(
    [](std::string& text) -> std::string {
        uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (!text.empty() && error == std::errc() && stop == end)
            return {};
        const std::string shown = shownText(text);
        return "must be a whole number from 0 to 18446744073709551615, not '" + shown + "'";
    },
    "UINT64");

// A whole number (checked before a range, which would call 'abc' out of range).
inline const CLI::Validator kWholeNumberValidator(
    [](std::string& text) -> std::string {
        long long value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (!text.empty() && stop == end && (error == std::errc() || error == std::errc::result_out_of_range))
            return {}; // out of range: the range check says so
        const std::string shown = shownText(text);
        return "must be a whole number, not '" + shown + "'";
    },
    "INT");

inline void configureApp(CLI::App& app)
{
    app.name("axbnn");
    app.require_subcommand(0, 1); // unknown words then name themselves in the error
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "axbnn: error: " + std::string(e.what()) + " (run with --help for usage)\n";
    });
}

// Parses and runs the chosen command; returns the exit status. Without a
// command it prints `noCommand` as the error. Engine errors carry a message
// the user can act on: one line, exit status 1.
inline int runApp(CLI::App& app, int argc, char** argv, const std::string& noCommand)
{
    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) {
            std::cerr << "axbnn: error: " << noCommand << "\n";
            return 1;
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "axbnn: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace axbnn::cli
