// The CLI::App both command-line executables start from: the name "axbnn"
// and one error line per failure, so `axbnn plot` says the same words
// whether axbnn or axbnn-export parses it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace axbnn::cli {

inline void configureApp(CLI::App& app)
{
    app.name("axbnn");
    app.require_subcommand(0, 1); // unknown words then name themselves in the error
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "axbnn: error: " + std::string(e.what()) + " (run with --help for usage)\n";
    });
}

} // namespace axbnn::cli
